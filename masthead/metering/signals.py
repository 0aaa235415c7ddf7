"""Signal wiring: anonymous reads carry over at sign-in; policy edits apply at once."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from masthead.core.models import SiteSettings

from .meter import METER_COOKIE, meter_policy_clear


@receiver(user_logged_in, dispatch_uid="metering-carry-over")
def carry_over_reads(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    from .access import reads_merge

    reads_merge(user=user, cookie_value=request.COOKIES.get(METER_COOKIE))


@receiver(post_save, sender=SiteSettings, dispatch_uid="metering-policy-clear")
def clear_policy(sender, **kwargs) -> None:
    meter_policy_clear()
