"""The demo's email backend: messages are kept in the database and shown at
``/mailbox/`` instead of leaving the machine."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from .models import MailboxMessage

_SKIPPED_HEADERS = {"Subject", "From", "To", "Message-ID", "Content-Type", "MIME-Version"}


def _parts(message: EmailMessage) -> tuple[str, str]:
    text, html = "", ""
    if message.content_subtype == "html":
        html = str(message.body)
    else:
        text = str(message.body)
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html" and not html:
            html = str(content)
    return text, html


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        stored = 0
        for message in email_messages:
            mime = message.message()  # validates headers exactly as sending would
            text, html = _parts(message)
            MailboxMessage.objects.create(
                subject=str(mime["Subject"] or ""),
                from_email=str(mime["From"] or ""),
                to=", ".join(message.recipients()),
                text=text,
                html=html,
                message_id=str(mime["Message-ID"] or ""),
                headers={k: str(v) for k, v in mime.items() if k not in _SKIPPED_HEADERS},
            )
            stored += 1
        return stored
