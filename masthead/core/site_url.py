"""Absolute links to this site, from ``SITE_URL`` only.

Every link that leaves the request (emails, feeds, share tags) is built from
the site's configured public address, never from the request's ``Host``:
any host in ``ALLOWED_HOSTS``, with any port, passes Django's check, and a
forged one would otherwise end up in an email.
"""

from __future__ import annotations

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` (starting with ``/``) on the site's public address."""
    return settings.SITE_URL.rstrip("/") + path
