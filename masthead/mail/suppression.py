"""Suppressions: addresses that never get bulk email (hard bounces, complaints,
editors' choice) until lifted. One-off emails (sign-in links, confirmations)
are not suppressed: a reader who asks for one must get it."""

from __future__ import annotations

from django.db import connection, transaction

from .models import Suppression


def _normal(address: str) -> str:
    return (address or "").strip().lower()


def suppression_add(*, address: str, reason: str, detail: str = "") -> Suppression:
    """Suppress ``address`` (idempotent: a second add keeps the first reason)."""
    if reason not in Suppression.Reason.values:
        raise ValueError(f"Unknown suppression reason: {reason!r}")
    address = _normal(address)
    with transaction.atomic():
        suppression, _ = Suppression.objects.get_or_create(
            address=address, defaults={"reason": reason, "detail": detail[:2000]}
        )
    return suppression


def suppression_lift(*, address: str) -> bool:
    """Let ``address`` receive bulk email again. True if it was suppressed."""
    deleted, _ = Suppression.objects.filter(address=_normal(address)).delete()
    return bool(deleted)


def address_is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(address=_normal(address)).exists()


def suppressed_among(addresses: list[str]) -> set[str]:
    """The lower-cased addresses of ``addresses`` that are suppressed (one query)."""
    wanted = {_normal(address) for address in addresses}
    if not wanted:
        return set()
    if connection.vendor == "postgresql":
        # One array parameter: a thousand-placeholder IN list is re-parsed by the
        # driver on every call, and batches ask this for every page.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT address FROM {Suppression._meta.db_table} "  # noqa: S608 (our table)
                "WHERE address = ANY(%s::text[])",
                [list(wanted)],
            )
            return {address for (address,) in cursor.fetchall()}
    return set(Suppression.objects.filter(address__in=wanted).values_list("address", flat=True))
