"""How django-allauth fits Masthead: usernames are generated (readers never see
them), and allauth's emails go through the sending engine like every other
email, as deliveries with a task, instead of being sent inside the request."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from allauth.account.adapter import DefaultAccountAdapter

from masthead.accounts.services import reader_username
from masthead.mail.services import email_enqueue

# allauth template prefix "account/email/<name>" → our triad "email/accounts/<name>.*"
_ALLAUTH_PREFIX = "account/email/"
_DROPPED = {"request", "current_site"}


def _serialisable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "email") and hasattr(value, "pk"):  # a user
        return {"email": value.email, "first_name": getattr(value, "first_name", "")}
    return str(value)


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        if not user.username:
            user.username = reader_username()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        name = template_prefix.removeprefix(_ALLAUTH_PREFIX).replace("/", "_")
        email_enqueue(
            key=f"allauth:{name}:{uuid.uuid4().hex}",
            to=email,
            template=f"accounts/{name}",
            context={
                "email": email,
                **{k: _serialisable(v) for k, v in context.items() if k not in _DROPPED},
            },
        )
