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
        # Its output goes to a file: a pipe nobody reads would stall it once full, and reading
        # one line by line waits for ever on a provider that hangs before saying anything.
        self.log = accounts_file.with_name("idp.log")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["node", "server.mjs"],  # noqa: S607
                cwd=IDP_DIR,
                env={
                    "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "IDP_PORT": str(self.port),
                    "IDP_ACCOUNTS": str(accounts_file),
                    "IDP_APP": app_url,
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_listening(deadline=time.monotonic() + 20)

    def _wait_until_listening(self, deadline: float) -> None:
        """Both providers accept connections, or the process is stopped and the start fails
        with what it printed."""
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                for port in (self.port, self.port + 1):
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the test identity provider did not start:\n{self.log.read_text()}")

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
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
