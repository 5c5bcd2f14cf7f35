"""Start the tests' OpenID Connect provider (tests/sso/idp/server.mjs, Node.js with the
`oidc-provider` package installed from the committed lockfile by `npm ci`) on loopback."""

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

IDP_DIR = Path(__file__).resolve().parent / "idp"


def _free_port_pair() -> int:
    """A port p with p + 1 free too (the second, untrusted provider listens there)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
        with socket.socket() as second:
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two free neighbouring ports")


class OidcProvider:
    """The running provider: ``issuer``, ``untrusted_keys_url`` and ``directory(...)`` (who
    exists there and in which groups; read again at every sign-in)."""

    def __init__(self, app_url: str, accounts_file: Path) -> None:
        if shutil.which("node") is None:
            raise RuntimeError("the SSO browser tests need Node.js 20+ (apt-get install nodejs)")
        if not (IDP_DIR / "node_modules").exists():
            subprocess.run(  # from the committed lockfile, as CI does
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
                cwd=IDP_DIR,
                check=True,
            )
        self.port = _free_port_pair()
        self.accounts_file = accounts_file
        self.directory({})
        self.process = subprocess.Popen(
            ["node", "server.mjs"],  # noqa: S607
            cwd=IDP_DIR,
            env={
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "IDP_PORT": str(self.port),
                "IDP_ACCOUNTS": str(accounts_file),
                "IDP_APP": app_url,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        for line in self.process.stdout:
            if line.startswith("idp ready"):
                break
            if time.monotonic() > deadline:
                break
        self._wait_for_port()

    def _wait_for_port(self) -> None:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the test identity provider did not start")

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def untrusted_keys_url(self) -> str:
        return f"http://127.0.0.1:{self.port + 1}/jwks"

    def directory(self, people: dict[str, dict]) -> None:
        self.accounts_file.write_text(json.dumps(people))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
