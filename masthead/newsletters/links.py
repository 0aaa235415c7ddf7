"""Links in newsletter emails: confirm a subscription (seven days), leave it
(never expires). Signed and built as every emailed row link is
(``core.signed_links``); the salts are part of every link already sent."""

from __future__ import annotations

from datetime import timedelta

from masthead.core.signed_links import SignedLink

CONFIRM = SignedLink(
    salt="masthead.newsletters.confirm",
    url_name="newsletters:confirm",
    max_age=timedelta(days=7),
)
UNSUBSCRIBE = SignedLink(
    salt="masthead.newsletters.unsubscribe", url_name="newsletters:unsubscribe"
)

confirm_url = CONFIRM.url
unsubscribe_url = UNSUBSCRIBE.url
