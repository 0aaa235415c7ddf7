from django.conf import settings
from django.http import HttpRequest

from .models import SiteSettings


def site(request: HttpRequest) -> dict:
    """The masthead's name and the canonical site address, for every template."""
    return {
        "site_settings": SiteSettings.load(request_or_site=request),
        "SITE_URL": settings.SITE_URL,
        "MASTHEAD_DEMO": settings.MASTHEAD_DEMO,
    }
