"""Links emailed to one address about one row: confirm it, or leave it.

A newsletter subscription and a series follow are both a row of (id, address)
that an emailed link acts on without anyone signing in. The link is signed
with the site's secret over the row's id and its lower-cased address, with a
salt per purpose, so a confirmation link can never unsubscribe and a link for
one row can never touch another. It is built from ``SITE_URL``, never from the
request's host. A confirmation link expires; a leave link carries no age
(RFC 8058 asks that it keep working, and an old email in an inbox must still
let its reader leave). What a link refuses is a ``core.errors`` refusal:
``LinkExpired`` (410) or ``LinkInvalid`` (400).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.core import signing
from django.db.models import Model, QuerySet
from django.urls import reverse

from .errors import LinkExpired, LinkInvalid
from .site_url import site_url

Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True)
class SignedLink:
    """One purpose of emailed link: its salt, its URL name (which takes the
    token as its one argument) and how long it works (None: always)."""

    salt: str
    url_name: str
    max_age: timedelta | None = None

    def token(self, row: Model) -> str:
        return signing.dumps([row.pk, row.email.lower()], salt=self.salt)

    def url(self, row: Model) -> str:
        """The absolute link for ``row`` (it needs ``pk`` and ``email``)."""
        return site_url(reverse(self.url_name, args=[self.token(row)]))

    def read(self, token: str) -> tuple[int, str]:
        """(row id, address) the token was signed over; ``LinkExpired`` when
        it is well signed but too old, ``LinkInvalid`` when it is not ours."""
        try:
            value = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise LinkExpired from None
        except signing.BadSignature:
            raise LinkInvalid from None
        try:
            row_id, email = value
            return int(row_id), str(email)
        except (TypeError, ValueError):
            raise LinkInvalid from None

    def row(self, token: str, rows: QuerySet[Row]) -> Row:
        """The row of ``rows`` the token names, while it still belongs to the
        address it was sent to; else ``LinkInvalid`` (or ``LinkExpired``)."""
        row_id, email = self.read(token)
        return row_named(rows, row_id=row_id, email=email)


def row_named(rows: QuerySet[Row], *, row_id: int, email: str) -> Row:
    """Row ``row_id`` of ``rows`` if its address is ``email`` (in any case);
    ``LinkInvalid`` when it is gone or has changed hands."""
    row = rows.filter(pk=row_id).first()
    if row is None or row.email.lower() != email.lower():
        raise LinkInvalid
    return row
