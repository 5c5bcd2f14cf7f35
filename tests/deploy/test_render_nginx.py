"""deploy/render_nginx.py fills every field of the shipped template and refuses values that
would change the configuration's structure. (The rendered file itself runs in front of gunicorn
in the other tests of this folder.)"""

import re

import pytest

from deploy.render_nginx import main, render


def test_the_defaults_fill_every_field_for_debians_nginx():
    text = render(listen=["80"])
    assert not re.search(r"\{\{ \w+ \}\}", text)
    assert "listen 80;" in text
    assert "server 127.0.0.1:8000;" in text
    assert "user www-data;" in text
    assert "pid /run/nginx.pid;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "ssl_certificate" not in text


def test_slow_clients_are_timed_out_and_bodies_buffered():
    text = render(listen=["80"])
    for directive in (
        "client_header_timeout 5s;",
        "client_body_timeout 5s;",
        "send_timeout 10s;",
        "proxy_request_buffering on;",
        "client_max_body_size 2m;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ):
        assert directive in text
    # Security headers are the app's: the proxy adds none.
    assert not re.search(r"^\s*add_header", text, re.MULTILINE)


def test_tls_and_several_listen_lines():
    text = render(
        listen=["80", "443 ssl"],
        server_name="outcomes.example.com",
        tls_certificate="/etc/ssl/outcomes.pem",
        tls_key="/etc/ssl/private/outcomes.key",
    )
    assert "listen 80;\n        listen 443 ssl;" in text
    assert "ssl_certificate /etc/ssl/outcomes.pem;" in text
    assert "ssl_certificate_key /etc/ssl/private/outcomes.key;" in text


def test_behind_a_load_balancer_its_proto_header_is_passed_on():
    text = render(listen=["80"], balancer_proto=True)
    assert "proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;" in text


@pytest.mark.parametrize(
    "options",
    [
        {"listen": ["80; include /etc/passwd"]},
        {"listen": []},
        {"listen": ["80"], "upstream": "127.0.0.1:8000; }"},
        {"listen": ["80"], "server_name": "a\nuser root"},
        {"listen": ["80"], "access_log": "$request"},
        {"listen": ["80"], "tls_certificate": "/etc/ssl/outcomes.pem"},
    ],
)
def test_values_that_could_change_the_structure_are_refused(options):
    with pytest.raises(ValueError, match=r"listen|upstream|server_name|access_log|tls"):
        render(**options)


def test_the_command_prints_the_configuration(capsys):
    assert main(["--listen", "127.0.0.1:8080", "--upstream", "127.0.0.1:9000"]) == 0
    printed = capsys.readouterr().out
    assert "listen 127.0.0.1:8080;" in printed
    assert "server 127.0.0.1:9000;" in printed
