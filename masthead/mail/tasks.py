"""Tasks take ids and hold no logic (ARCHITECTURE convention 4)."""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(queue_name="email", takes_context=True)
def send_delivery(context: TaskContext, delivery_id: int) -> str:
    from .services import delivery_send

    # A second attempt of this task means its worker died while running it
    # (masthead.runtime.heartbeat hands such a task back): any claim is its own.
    return delivery_send(delivery_id=delivery_id, resumed=context.attempt > 1)


@task(queue_name="email")
def bulk_fanout_task(send_id: int) -> str:
    from .fanout import bulk_fanout

    return bulk_fanout(send_id=send_id)


@task(queue_name="email")
def bulk_batch_task(batch_id: int) -> str:
    from .sending import bulk_batch_send

    return bulk_batch_send(batch_id=batch_id)
