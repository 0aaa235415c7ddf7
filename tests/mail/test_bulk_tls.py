"""A bulk send over STARTTLS (``EMAIL_USE_TLS``) and over implicit TLS
(``EMAIL_USE_SSL``): the one-thread driver reads and writes non-blocking TLS
sockets (``masthead/mail/multiplex.py``). The server is aiosmtpd with a
certificate made for the test and trusted through ``SSL_CERT_FILE``."""

from __future__ import annotations

import ssl
import subprocess
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPProtocol

from masthead.mail.bulk import bulk_send_progress, bulk_send_start
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)
from tests.smtp_server import CollectingHandler, _free_port
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    # Django's SMTP backend trusts the default certificate store, which this names.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class _ImplicitTLSController(Controller):
    def factory(self):
        return SMTPProtocol(self.handler)


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_a_bulk_send_over_tls_reaches_everyone_once(site_home, settings, certificate, mode):
    handler, port = CollectingHandler(), _free_port()
    if mode == "starttls":
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, tls_context=certificate,
            require_starttls=True,
        )  # fmt: skip
    else:
        controller = _ImplicitTLSController(
            handler, hostname="127.0.0.1", port=port, ssl_context=certificate
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = mode == "starttls", mode == "implicit"
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    controller.start()
    try:
        send = bulk_send_start(
            key=f"tls-{mode}",
            template="mail/notice",
            context={"subject": "Over TLS", "heading": "Hello", "paragraphs": ["x" * 5000]},
            source="numbered",
            source_args={"count": 30},
        )
        run_pending_tasks()
        messages = handler.wait_for(30)
    finally:
        controller.stop()
    assert Counter(m["To"] for m in messages) == {f"reader{n}@example.org": 1 for n in range(1, 31)}
    assert "x" * 70 in messages[0].get_body(("plain",)).get_content().replace("\n", "")
    assert bulk_send_progress(send_id=send.pk)["status"] == "sent"
