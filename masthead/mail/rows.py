"""An email as rows, for a caller that inserts them in its own statement.

The wall sign-up writes a new reader's account, consent, activation email and
send task in one INSERT (decision 0005). The last two are mail's: the caller
asks ``email_rows`` for them, built whole with their keys drawn ahead, puts
them in its statement (``core.db.insert_with``), and hands them back to
``email_rows_inserted``, which does what enqueueing does besides writing the
row. This module is the only place that builds django-tasks-db's row by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from masthead.core import db

from .models import Delivery
from .services import _enqueue_send, delivery_new


@dataclass(frozen=True)
class EmailRows:
    """One email's rows, not yet inserted: its delivery and, with the database
    task backend, the send task's row (None with any other backend)."""

    delivery: Delivery
    task: models.Model | None

    @property
    def rows(self) -> tuple[models.Model, ...]:
        """In insertion order (the task refers to the delivery by id)."""
        return (self.delivery,) if self.task is None else (self.delivery, self.task)


def email_rows(
    *, key: str, to: str, template: str, context: dict, headers: dict | None = None
) -> EmailRows:
    """The rows that record one email and enqueue its sending, as ``email_enqueue``
    would write them, for a caller that inserts them itself (PostgreSQL only:
    the delivery's key is drawn from its sequence). Same arguments and checks
    as ``email_enqueue``; call ``email_rows_inserted`` once they are in."""
    delivery = delivery_new(key=key, to=to, template=template, context=context, headers=headers)
    delivery.pk = db.reserve_id(Delivery)
    return EmailRows(delivery=delivery, task=send_task_row(delivery))


def email_rows_inserted(rows: EmailRows) -> None:
    """After ``rows`` went in: the ``task_enqueued`` signal the database backend
    sends, or, with another backend (no task row), the enqueueing itself once
    the data commits."""
    from django_tasks_db.compat import task_enqueued

    from .tasks import send_delivery

    if rows.task is None:
        _enqueue_send(rows.delivery.pk)
        return
    task_enqueued.send(type(send_delivery.get_backend()), task_result=rows.task.task_result)


def send_task_row(delivery: Delivery) -> models.Model | None:
    """The database backend's row for this delivery's send task, unsaved (the
    delivery's primary key must be set). None with any other backend.

    The row is the one ``DatabaseBackend.enqueue`` writes, built as it builds
    it (with its private ``_get_id``); tests/core/test_db.py compares the two,
    so an upgrade that changes either fails there.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult

    from .tasks import send_delivery

    backend = send_delivery.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(send_delivery)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [delivery.pk], "kwargs": {}}),
        priority=send_delivery.priority,
        task_path=send_delivery.module_path,
        queue_name=send_delivery.queue_name,
        run_after=send_delivery.run_after,
        backend_name=backend.alias,
    )
