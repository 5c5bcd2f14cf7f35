"""Fill deploy/nginx.conf's fields and print the result (docs/deploy.md, "Reverse proxy").

    python3 deploy/render_nginx.py --server-name outcomes.example.com --listen 80 \\
        --listen "443 ssl" --tls-certificate /etc/ssl/outcomes.pem \\
        --tls-key /etc/ssl/private/outcomes.key > /etc/nginx/nginx.conf

The defaults suit Debian's nginx package (its service's pid file, temporary folder and user);
tests/deploy renders it with a temporary folder and loopback ports. Standard library only.
"""

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
FIELD = re.compile(r"\{\{ (\w+) \}\}")
# A value ends up inside an nginx directive: nothing that could end it or open a block.
SAFE_VALUE = re.compile(r"[^;{}\n\r\"'$#\\]+")


def render(
    *,
    listen: list[str],
    upstream: str = "127.0.0.1:8000",
    server_name: str = "_",
    user: str = "www-data",
    pid: str = "/run/nginx.pid",
    temp_dir: str = "/var/lib/nginx",
    access_log: str = "/var/log/nginx/access.log",
    tls_certificate: str = "",
    tls_key: str = "",
    balancer_proto: bool = False,
) -> str:
    """The configuration text; ValueError on a value that could change its structure."""
    plain = {
        "upstream": upstream,
        "server_name": server_name,
        "user": user,
        "pid": pid,
        "temp_dir": temp_dir,
        "access_log": access_log,
    }
    for name, value in {**plain, "tls_certificate": tls_certificate, "tls_key": tls_key}.items():
        if value and not SAFE_VALUE.fullmatch(value):
            raise ValueError(f"{name}: {value!r} is not a plain value")
    if not listen or any(not SAFE_VALUE.fullmatch(item) for item in listen):
        raise ValueError(f"listen: {listen!r} must be plain values such as 80 or '443 ssl'")
    if bool(tls_certificate) != bool(tls_key):
        raise ValueError("--tls-certificate and --tls-key go together")
    tls = ""
    if tls_certificate:
        tls = (
            f"        ssl_certificate {tls_certificate};\n"
            f"        ssl_certificate_key {tls_key};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
        )
    fields = {
        **plain,
        "listen": "\n".join(f"        listen {item};" for item in listen),
        "tls": tls,
        # Behind a load balancer that terminates TLS, nginx itself only ever sees plain HTTP.
        "forwarded_proto": "$http_x_forwarded_proto" if balancer_proto else "$scheme",
    }
    return FIELD.sub(lambda match: fields[match.group(1)], TEMPLATE.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--listen", action="append", help="a listen directive's value; repeat (default: 80)"
    )
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's loopback address")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--user", default="www-data", help="the user nginx's workers run as")
    parser.add_argument("--pid", default="/run/nginx.pid")
    parser.add_argument("--temp-dir", default="/var/lib/nginx", help="request bodies on disk")
    parser.add_argument("--access-log", default="/var/log/nginx/access.log", help="or: off")
    parser.add_argument("--tls-certificate", default="")
    parser.add_argument("--tls-key", default="")
    parser.add_argument(
        "--balancer-proto",
        action="store_true",
        help="pass on X-Forwarded-Proto from a TLS-terminating load balancer (only the balancer "
        "may reach nginx then)",
    )
    args = parser.parse_args(argv)
    options = vars(args)
    options["listen"] = args.listen or ["80"]
    try:
        sys.stdout.write(render(**options))
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
