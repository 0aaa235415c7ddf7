"""Signed, expiring, single-use tokens for links in emails.

A token is a signed payload (``django.core.signing``, salted per purpose) holding
the user's id, the time it was made and a hash over the account state that
changes when the link is used: the password hash and the last sign-in time
(signing in by the link updates it), plus the email address and active flag.
That gives three distinct answers a page can explain: *invalid* (the signature
does not hold: forged or mangled), *expired* (older than ``max_age``) and *used*
(the account changed since: the link was followed, or the password or address
changed). The clock is injectable for tests and callers alike.

Each purpose makes its own generator with its own salt, e.g.::

    setup_tokens = TokenGenerator(salt="masthead.metering.setup", max_age=timedelta(days=7))
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from masthead.core.errors import LinkExpired, LinkInvalid, LinkRefused, LinkUsed


class TokenStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


@dataclass(frozen=True)
class TokenCheck:
    status: TokenStatus
    user: object | None = None  # the account, when the signature holds and it exists
    data: dict | None = None  # extra values signed into the token (e.g. ``next``)

    @property
    def ok(self) -> bool:
        return self.status is TokenStatus.VALID

    def refusal(self, **context) -> LinkRefused:
        """What to raise for a link that does not hold (``core.errors``)."""
        refusals = {TokenStatus.EXPIRED: LinkExpired, TokenStatus.USED: LinkUsed}
        return refusals.get(self.status, LinkInvalid)(**context)


class TokenGenerator:
    def __init__(
        self,
        *,
        salt: str,
        max_age: timedelta,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.salt = salt
        self.max_age = max_age
        self.clock = clock

    def state_hash(self, user) -> str:
        login = user.last_login.isoformat() if user.last_login else ""
        state = f"{user.pk}|{user.password}|{login}|{user.email.lower()}|{user.is_active}"
        return salted_hmac(self.salt + ".state", state, algorithm="sha256").hexdigest()[:32]

    def make_token(self, user, *, data: dict | None = None) -> str:
        payload = {
            "u": user.pk,
            "t": int(self.clock().timestamp()),
            "h": self.state_hash(user),
        }
        if data:
            payload["d"] = data
        return signing.Signer(salt=self.salt).sign_object(payload, compress=True)

    def check_token(self, token: str) -> TokenCheck:
        try:
            payload = signing.Signer(salt=self.salt).unsign_object(token or "")
            user_id, made_at, state = payload["u"], int(payload["t"]), str(payload["h"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return TokenCheck(TokenStatus.INVALID)
        data = payload.get("d") or {}
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        if user is None:
            return TokenCheck(TokenStatus.INVALID)
        age = self.clock().timestamp() - made_at
        if age > self.max_age.total_seconds() or age < -60:
            return TokenCheck(TokenStatus.EXPIRED, user, data)
        if not constant_time_compare(state, self.state_hash(user)):
            return TokenCheck(TokenStatus.USED, user, data)
        return TokenCheck(TokenStatus.VALID, user, data)
