"""Write paths of analytics that are not the hot path (see ``ingest.py`` for that)."""

from __future__ import annotations

from .ingest import view_record, views_flush

__all__ = ["view_record", "views_flush", "views_import"]


def views_import(*, views: list[tuple[str, str, int, float]]) -> int:
    """Store past views ``(reader, kind, id, unix time)`` in the database, deduplicated.

    For generated histories (the demo) and imports from another system: goes
    to the database whatever the runtime, as the aggregation would.
    """
    from .store_db import views_store

    return views_store(list(views)) if views else 0
