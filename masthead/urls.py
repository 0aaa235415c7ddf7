from django.conf import settings
from django.urls import include, path
from django.views.static import serve as serve_media
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.content import urls as content_urls
from masthead.content.api import api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("account/", include("masthead.accounts.urls")),
    path("mailbox/", include("masthead.mail.urls")),  # answers 404 unless demo or DEBUG
    path("mail/webhooks/", include("masthead.mail.webhook_urls")),  # provider bounce/complaint
    path("newsletters/", include("masthead.newsletters.urls")),
    path("alerts/", include("masthead.alerts.urls")),
    path("", include("masthead.metering.urls")),  # /wall/, /welcome/<token>/
    path("comments/", include("masthead.comments.urls")),
    path("", include("masthead.analytics.urls")),  # /most-read/ (fragment and page)
    path("", include("masthead.recommendations.urls")),  # /your-three/ (fragment and page)
    path("api/v2/", api_router.urls),  # read-only content API (masthead/content/api.py)
    path("", include(content_urls)),
]

if settings.MASTHEAD_DEMO or settings.DEBUG:
    # In production media is served by the web server or object storage.
    urlpatterns += [
        path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "masthead.core.views.not_found"
handler400 = "masthead.core.views.bad_request"
handler403 = "masthead.core.views.forbidden"
handler500 = "masthead.core.views.server_error"
handler429 = "masthead.accounts.views.too_many_requests"  # allauth rate limits
