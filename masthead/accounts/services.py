"""Write paths for reader accounts."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from .models import User


def normalise_email(email: str) -> str:
    """Lower-case the domain, keep the local part (RFC 5321), strip spaces."""
    email = email.strip()
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if local else email


def reader_get_or_create(*, email: str) -> tuple[User, bool]:
    """The account for ``email``, created without a password if there is none.

    Safe under concurrent calls for the same address: the case-insensitive unique
    constraint picks one winner and the others read the winner's row.
    """
    email = normalise_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            user = User(email=email, username=f"reader-{secrets.token_hex(8)}")
            user.set_unusable_password()
            user.save()
            return user, True
    except IntegrityError:
        return User.objects.get(email__iexact=email), False
