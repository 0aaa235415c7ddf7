"""The Content-Security-Policy: strict for the site, looser for the Wagtail admin.

Through ``django-csp``. The site's pages run only scripts and styles from
this origin: no inline script, no inline style, no ``eval``; ``object-src
'none'``, ``base-uri 'self'``, ``frame-ancestors 'self'`` (the admin previews
pages in a same-origin frame). No nonce: anonymous pages are stored whole by
the page cache (``pagecache/app.py`` keeps the response's headers with the
body) and served to every reader, so a per-response nonce would be shared by
all of them, which defeats it. Scripts are static files instead, and a
JSON-LD block (``type="application/ld+json"``) is data, which the policy does
not govern.

The Wagtail admin (and Django's) inlines scripts and styles of its own, so
its paths get the admin policy, still with ``object-src 'none'`` and the same
framing and base rules.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy on the admin's paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = getattr(settings, "MASTHEAD_ADMIN_CSP", None)
        if not report_only and admin and request.path_info.startswith(ADMIN_PREFIXES):
            parts.config = admin
        return parts
