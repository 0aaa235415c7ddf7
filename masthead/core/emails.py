"""Finding rows by email address, in any letter case, with the index.

``email__iexact`` compiles to ``UPPER(email) = UPPER(%s)`` on PostgreSQL,
which no index serves: every sign-up and sign-in scanned the whole table.
The case-insensitive unique constraints are on ``LOWER(email)``, so the
lookup is written the same way.
"""

from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


def same_email(email: str, field: str = "email") -> Exact:
    """A filter: ``field`` is ``email`` in any case (``LOWER(field) = LOWER(email)``)."""
    return Exact(Lower(field), Lower(Value(email)))
