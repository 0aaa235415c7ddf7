"""How django-allauth fits Masthead: usernames are generated (readers never see
them), and allauth's emails go through the sending engine like every other
email, as deliveries with a task, instead of being sent inside the request."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages

from masthead.accounts.services import reader_username
from masthead.core.site_url import site_url
from masthead.mail.services import email_enqueue

from .verification import allauth_confirmation_guard

# allauth template prefix "account/email/<name>" → our triad "email/accounts/<name>.*"
_ALLAUTH_PREFIX = "account/email/"
_DROPPED = {"request", "current_site"}


_ABSOLUTE_URL = re.compile(r"https?://[^/?#\s]*(?P<rest>[/?#]\S*)?", re.IGNORECASE)


def on_site_url(url: str) -> str:
    """``url`` re-rooted on ``SITE_URL``.

    allauth builds its links (confirmation, password reset, sign-up) from the
    request's host and port, and any host in ``ALLOWED_HOSTS`` with any port
    passes Django's check: a forged ``Host`` would put its origin in the email.
    Every link allauth makes points into this site, so only its path is kept.
    """
    rest = _ABSOLUTE_URL.fullmatch(url)["rest"] or "/"
    return site_url(rest if rest.startswith("/") else "/" + rest)


def _serialisable(value):
    if isinstance(value, str) and _ABSOLUTE_URL.fullmatch(value):
        return on_site_url(value)
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

    def confirm_email(self, request, email_address) -> bool:
        """A first confirmation opened outside the sign-up's own browser session
        drops the password chosen at sign-up (see ``verification``)."""
        if allauth_confirmation_guard(request=request, user=email_address.user):
            self.add_message(
                request,
                messages.INFO,
                message=(
                    "Your address is confirmed. The password chosen when this account "
                    "was made was not kept, because the link was opened in another "
                    "browser: sign in with an emailed link, or choose a new password "
                    "with “Forgot your password?”."
                ),
            )
        return super().confirm_email(request, email_address)

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
