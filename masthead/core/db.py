"""Database helpers the ORM has no public spelling for."""

from __future__ import annotations

from django.db import models, router
from django.db.models.constants import OnConflict


def insert_or_ignore(instance: models.Model) -> bool:
    """INSERT ``instance`` unless a unique constraint already holds its values.

    One statement (``ON CONFLICT DO NOTHING RETURNING id`` on PostgreSQL,
    ``INSERT OR IGNORE … RETURNING`` on SQLite), where ``get_or_create`` takes a
    SELECT, a savepoint, the INSERT and a release, and an IntegrityError would
    abort the surrounding transaction on PostgreSQL. Returns True and sets the
    primary key when the row was inserted; False, leaving ``instance`` unsaved,
    when it was already there. No ``pre_save``/``post_save`` signals are sent:
    use it for rows nothing listens to. On SQLite ``OR IGNORE`` also skips a
    row that breaks a NOT NULL or CHECK constraint, so build complete rows.
    """
    model = type(instance)
    meta = model._meta
    if meta.parents:
        raise TypeError(f"insert_or_ignore does not handle multi-table inheritance ({model})")
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    if instance.pk is None:
        fields = [field for field in fields if field is not meta.auto_field]
    using = router.db_for_write(model, instance=instance)
    rows = model._base_manager._insert(
        [instance],
        fields=fields,
        returning_fields=[meta.pk],
        using=using,
        on_conflict=OnConflict.IGNORE,
    )
    returned = rows[0] if rows else None
    if not returned or returned[0] is None:
        return False
    instance.pk = returned[0]
    instance._state.adding = False
    instance._state.db = using
    return True
