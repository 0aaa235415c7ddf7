"""Signal wiring: anonymous reads carry over at sign-in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .meter import METER_COOKIE


@receiver(user_logged_in, dispatch_uid="metering-carry-over")
def carry_over_reads(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    from .access import reads_merge

    reads_merge(user=user, cookie_value=request.COOKIES.get(METER_COOKIE))
