from django.conf import settings
from django.urls import include, path
from django.views.static import serve as serve_media
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.content import urls as content_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("account/", include("masthead.accounts.urls")),
    path("mailbox/", include("masthead.mail.urls")),  # answers 404 unless demo or DEBUG
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
handler500 = "masthead.core.views.server_error"
