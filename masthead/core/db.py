"""Database helpers the ORM has no public spelling for."""

# The SQL built here takes names from model metadata (quoted) and every value as
# a parameter, which the string-built-SQL rule cannot see.
# ruff: noqa: S608

from __future__ import annotations

import functools
import os
import threading

from django.db import connections, models, router
from django.db.models import signals
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
    fields = _insert_fields(instance)
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


def insert_or_lock(instance: models.Model, *conditions, **lookup) -> models.Model:
    """The row ``instance`` stands for, locked (``SELECT … FOR UPDATE``): inserted
    if no row holds its unique values, else the one that does, found by
    ``conditions`` and ``lookup``. Always the same two statements, so a caller
    that must not tell a known address from a new one costs the same for both.
    Call it inside a transaction."""
    insert_or_ignore(instance)
    return type(instance)._default_manager.select_for_update().get(*conditions, **lookup)


def _insert_fields(instance: models.Model) -> list:
    """The columns an INSERT of ``instance`` writes: its own concrete fields, less
    generated ones and, when it has no key yet, the auto key."""
    meta = type(instance)._meta
    if meta.parents:
        raise TypeError(f"multi-table inheritance is not handled here ({type(instance)})")
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    if instance.pk is None:
        fields = [field for field in fields if field is not meta.auto_field]
    return fields


# --- one statement for a row and the rows that hang off it (PostgreSQL) ---------

# Primary keys drawn from a table's sequence ahead of the insert, in blocks, so
# rows that refer to each other can be built whole in Python first. Per process
# (the pid guards against a block inherited through fork) and per database.
ID_BLOCK = 32
_reserved: dict[tuple[str, str], tuple[int, list[int]]] = {}
_reserved_lock = threading.Lock()


def can_insert_with(model: type[models.Model]) -> bool:
    """Whether ``insert_with`` can run here: PostgreSQL (data-modifying WITH), in
    autocommit outside any transaction, so the statement is its own transaction
    and a refused one leaves nothing to roll back."""
    connection = connections[router.db_for_write(model)]
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()
    )


def reserve_id(model: type[models.Model]) -> int:
    """A primary key for a row of ``model`` not yet inserted (PostgreSQL).

    Drawn from the column's own sequence, so the database never hands it out
    again; a block of ``ID_BLOCK`` per round trip. Ids are therefore not in
    insertion order across processes, and unused ones are skipped, as
    sequences already allow.
    """
    using = router.db_for_write(model)
    meta = model._meta
    key = (using, meta.db_table)
    with _reserved_lock:
        pid, block = _reserved.get(key, (0, []))
        if pid != os.getpid() or not block:
            with connections[using].cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [_quote(meta.db_table), meta.pk.column, ID_BLOCK],
                )
                block = [row[0] for row in cursor.fetchall()][::-1]
            _reserved[key] = (os.getpid(), block)
        return block.pop()


def reserved_ids_forget() -> None:
    """Drop the drawn blocks (after a sequence was reset: tests, a restore)."""
    with _reserved_lock:
        _reserved.clear()


def insert_with(head: models.Model, *dependents: models.Model) -> bool:
    """INSERT ``head`` unless a unique constraint already holds its values, and
    the ``dependents`` only if it went in: one statement, so one round trip and
    its own transaction (see ``can_insert_with``).

    Every row is built whole beforehand: primary keys the others refer to come
    from ``reserve_id``; a key nothing refers to may be left to the database
    and is set on its row afterwards. Returns True when all rows were inserted,
    False when any unique constraint of ``head`` (its key included) already
    held its values: nothing is inserted. ``pre_save`` goes to every row
    before, ``post_save`` (created) to every row after, as ``save()`` sends
    them (some apps fill fields in ``pre_save``). A dependent that breaks a
    constraint raises IntegrityError and nothing is inserted. Fields with a
    ``db_default`` are not supported.
    """
    using = router.db_for_write(type(head))
    connection = connections[using]
    instances = (head, *dependents)
    for instance in instances:
        signals.pre_save.send(
            sender=type(instance), instance=instance, raw=False, using=using, update_fields=None
        )
    rows = [_insert_values(instance, connection) for instance in instances]
    shape = tuple(
        (table, columns, type(instance)._meta.pk.column)
        for (table, columns, _), instance in zip(rows, instances, strict=True)
    )
    sql = _insert_with_sql(shape)
    params = [value for _, _, values in rows for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchone()  # each row's key, or all None if head was there
    inserted = keys[0] is not None
    if inserted:
        for instance, key in zip(instances, keys, strict=True):
            instance.pk = key
        for instance in instances:
            instance._state.adding = False
            instance._state.db = using
            signals.post_save.send(
                sender=type(instance),
                instance=instance,
                created=True,
                update_fields=None,
                raw=False,
                using=using,
            )
    return inserted


def _insert_values(instance: models.Model, connection) -> tuple[str, tuple[str, ...], list]:
    """(table, columns, values) for an INSERT of ``instance``, prepared as Django's
    insert compiler prepares them (``pre_save`` fills auto_now_add fields)."""
    meta = type(instance)._meta
    fields = _insert_fields(instance)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
        for field in fields
    ]
    if any(hasattr(value, "resolve_expression") for value in values):
        raise TypeError(f"insert_with takes plain values, not expressions ({type(instance)})")
    return meta.db_table, tuple(field.column for field in fields), values


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'  # a PostgreSQL identifier


@functools.lru_cache(maxsize=64)
def _insert_with_sql(shape: tuple[tuple[str, tuple[str, ...], str], ...]) -> str:
    """The statement for rows of these (table, columns, key column); the first is the head."""

    def target(table: str, columns: tuple[str, ...]) -> str:
        return f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)})"

    (head_table, head_columns, head_key), *rest = shape
    placeholders = ", ".join(["%s"] * len(head_columns))
    parts = [
        f"head AS ({target(head_table, head_columns)} VALUES ({placeholders})"
        f" ON CONFLICT DO NOTHING RETURNING {_quote(head_key)})"
    ]
    # Names come from model metadata, quoted; every value is a parameter.
    # Each row returns its key (the database may have chosen it).
    results = [f"(SELECT {_quote(head_key)} FROM head)"]
    for number, (table, columns, key) in enumerate(rest):
        selected = ", ".join(["%s"] * len(columns))
        insert = f"{target(table, columns)} SELECT {selected} FROM head RETURNING {_quote(key)}"
        parts.append(f"dependent_{number} AS ({insert})")
        results.append(f"(SELECT {_quote(key)} FROM dependent_{number})")
    return f"WITH {', '.join(parts)} SELECT {', '.join(results)}"
