"""Tasks take ids and hold no logic (ARCHITECTURE convention 4)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def send_delivery(delivery_id: int) -> str:
    from .services import delivery_send

    return delivery_send(delivery_id=delivery_id)
