"""Links in alert emails: confirm a follow (seven days), stop it (never
expires). Signed and built as every emailed row link is
(``core.signed_links``); the salts are part of every link already sent."""

from __future__ import annotations

from datetime import timedelta

from masthead.core.signed_links import SignedLink

CONFIRM = SignedLink(
    salt="masthead.alerts.confirm", url_name="alerts:confirm", max_age=timedelta(days=7)
)
STOP = SignedLink(salt="masthead.alerts.stop", url_name="alerts:stop")

confirm_url = CONFIRM.url
stop_url = STOP.url
