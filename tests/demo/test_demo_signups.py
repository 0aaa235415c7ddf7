"""The demo's past wall sign-ups and trials: the dashboard's chart starts with a shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model

from masthead.analytics.dashboard import signups_per_day
from masthead.demo.signups import BIG_DAY_AGO, DAYS, past_signups, signups_load
from masthead.metering.models import Consent, Entitlement, TrialGrant

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def test_the_history_follows_its_documented_structure():
    signups = past_signups(now=NOW)
    per_day: dict[int, int] = {}
    for signup in signups:
        assert NOW - timedelta(days=DAYS) < signup.signed_up_at < NOW
        if signup.trial_started_at is not None:
            assert signup.signed_up_at < signup.trial_started_at < NOW
        days_ago = (NOW.date() - signup.signed_up_at.date()).days
        per_day[days_ago] = per_day.get(days_ago, 0) + 1
    trials = sum(s.trial_started_at is not None for s in signups)
    assert 0.3 < trials / len(signups) < 0.5
    assert per_day[BIG_DAY_AGO] == max(per_day.values())  # the big story day
    older = sum(per_day.get(d, 0) for d in range(15, 30) if d != BIG_DAY_AGO)
    newer = sum(per_day.get(d, 0) for d in range(0, 15) if d != BIG_DAY_AGO)
    assert newer > older  # a paper finding readers
    assert past_signups(now=NOW) == signups  # seeded


def test_loading_fills_the_dashboards_chart_without_sending_email(db, mailoutbox):
    added = signups_load(now=NOW)
    assert added == len(past_signups(now=NOW)) == Consent.objects.filter(source="wall").count()
    assert Entitlement.objects.filter(kind=Entitlement.TRIAL).count() == TrialGrant.objects.count()
    chart = signups_per_day(now=NOW)
    signups, trials = chart["datasets"]
    assert sum(signups["data"]) == added
    assert sum(trials["data"]) == Entitlement.objects.count() > 0
    assert min(signups["data"]) >= 0 and max(signups["data"]) == signups["data"][-1 - BIG_DAY_AGO]
    assert mailoutbox == []
    assert signups_load(now=NOW) == 0  # a second run adds nothing
    assert get_user_model().objects.filter(email__startswith="signup").count() == added
