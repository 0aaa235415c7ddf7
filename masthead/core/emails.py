"""Finding rows by email address, in any letter case, with the index.

``email__iexact`` compiles to ``UPPER(email) = UPPER(%s)`` on PostgreSQL,
which no index serves: every sign-up and sign-in scanned the whole table.
The case-insensitive unique constraints are on ``LOWER(email)``, so the
lookup is written the same way.

Also what a reader types into an address box: ``signup_address`` (the stored
form, or the site's one error copy) and the box form's field and base form.
"""

from __future__ import annotations

from django import forms
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


def same_email(email: str, field: str = "email") -> Exact:
    """A filter: ``field`` is ``email`` in any case (``LOWER(field) = LOWER(email)``)."""
    return Exact(Lower(field), Lower(Value(email)))


INVALID_EMAIL = "Please enter a valid email address"


def signup_address(value: str) -> str:
    """A reader-typed address as it will be stored, or ``ValueError`` with the
    site's copy ("Please enter a valid email address").

    ``email-validator`` without DNS: bad syntax and domains that can never
    receive mail are refused; the domain is lower-cased, the local part kept;
    local parts must be ASCII (SMTPUTF8 mailboxes cannot be reached reliably).
    """
    from email_validator import EmailNotValidError, validate_email

    value = (value or "").strip()
    if not value or len(value) > 254:
        raise ValueError(INVALID_EMAIL)
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise ValueError(INVALID_EMAIL) from None
    return f"{result.local_part}@{result.domain.lower()}"


class SignupAddressField(forms.CharField):
    """A box's address field: empty, too long or malformed all get the site's
    one copy (``INVALID_EMAIL``), so the reader sees the same sentence for each;
    the cleaned value is the address as it will be stored (``signup_address``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 320)
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"max_length": INVALID_EMAIL})
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        try:
            return signup_address(super().clean(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class AddressBoxForm(forms.Form):
    """A box that takes a reader's address (and where its answer's "Back" goes);
    a box's form adds what it signs the address up for."""

    email = SignupAddressField()
    next = forms.CharField(max_length=2000, required=False)
