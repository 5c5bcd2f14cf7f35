"""A real HTTP receiver on loopback that verifies every delivery with the ``standardwebhooks``
package, as a customer's CRM would, and records what arrived in arrival order."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Arrival:
    webhook_id: str
    event_type: str
    conversation: str | None
    payload: dict


@dataclass
class Receiver:
    secret: str = ""
    status: int = 204
    delay: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if receiver.delay:
                    time.sleep(receiver.delay)
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as error:
                    with receiver._lock:
                        receiver.refused.append(str(error))
                    self.send_response(401)
                    self.end_headers()
                    return
                status = receiver.status
                if 200 <= status < 300:
                    conversation = (payload["data"].get("conversation") or {}).get("id")
                    with receiver._lock:
                        receiver.arrivals.append(
                            Arrival(headers["webhook-id"], payload["type"], conversation, payload)
                        )
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        with self._lock:
            return [arrival.webhook_id for arrival in self.arrivals]

    def body_of(self, arrival: Arrival) -> str:
        return json.dumps(arrival.payload)
