"""Tasks take ids and hold no logic (ARCHITECTURE convention 4)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def series_alert_fanout(alert_id: int) -> int:
    from .services import series_alert_fanout_run

    return series_alert_fanout_run(alert_id=alert_id)
