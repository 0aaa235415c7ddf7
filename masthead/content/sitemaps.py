"""``/sitemap.xml``, the Google News sitemap and ``/robots.txt``.

Every address is absolute on ``SITE_URL``: the sitemap is what search engines
index, so it must name the public origin even when the request came in through
an internal host name or a load balancer.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from taggit.models import Tag
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Site

from . import seo
from .models import StoryPage
from .snippets import Author, Series, Video

NEWS_WINDOW = timedelta(days=2)  # Google News only reads articles of the last two days
NEWS_LIMIT = 1000  # and at most 1,000 of them per sitemap
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
DISALLOWED = ("/admin/", "/account/", "/accounts/", "/mailbox/", "/api/")


class SiteUrlMixin:
    """Build locations on ``SITE_URL`` rather than on the request's host."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


class PageSitemap(SiteUrlMixin, WagtailSitemap):
    """Live, public Wagtail pages (home, sections, stories, plain pages)."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        site = self.get_wagtail_site()
        root = site.root_url.rstrip("/") if isinstance(site, Site) else ""
        for info in urls:
            location = info["location"]
            if root and location.startswith(root + "/"):
                info["location"] = seo.absolute_url(location[len(root) :])
            else:
                info["location"] = seo.absolute_url(location)
        return urls


class AuthorSitemap(SiteUrlMixin, Sitemap):
    def items(self):
        return Author.objects.annotate(
            lastmod=Max(
                "story_credits__story__last_published_at",
                filter=Q(story_credits__story__live=True),
            )
        ).order_by("slug")

    def lastmod(self, author):
        return author.lastmod


class SeriesSitemap(SiteUrlMixin, Sitemap):
    def items(self):
        return Series.objects.annotate(
            lastmod=Max("stories__last_published_at", filter=Q(stories__live=True))
        ).order_by("slug")

    def lastmod(self, series):
        return series.lastmod


class TagSitemap(SiteUrlMixin, Sitemap):
    """Tags that label at least one live story (the tag page lists stories)."""

    def items(self):
        field = "content_storytag_items__content_object"
        return (
            Tag.objects.filter(**{f"{field}__live": True})
            .annotate(lastmod=Max(f"{field}__last_published_at"))
            .order_by("slug")
        )

    def location(self, tag) -> str:
        from django.urls import reverse

        return reverse("content:tag", args=[tag.slug])

    def lastmod(self, tag):
        return tag.lastmod


class VideoSitemap(SiteUrlMixin, Sitemap):
    def items(self):
        return Video.objects.filter(published_at__lte=timezone.now()).order_by("-published_at")

    def lastmod(self, video):
        return video.published_at


SITEMAPS = {
    "pages": PageSitemap,
    "authors": AuthorSitemap(),
    "series": SeriesSitemap(),
    "tags": TagSitemap(),
    "videos": VideoSitemap(),
}


@require_GET
@cache_control(public=True, max_age=300)
def sitemap(request: HttpRequest) -> HttpResponse:
    # Wagtail's sitemap class needs the request (to find the site); the others do not.
    sitemaps = {**SITEMAPS, "pages": PageSitemap(request)}
    return django_sitemap(request, sitemaps=sitemaps)


def news_language(language_code: str) -> str:
    """Google News wants ISO 639 codes ("en"), except for the two Chinese scripts."""
    code = language_code.lower()
    if code in {"zh-cn", "zh-hans"}:
        return "zh-cn"
    if code in {"zh-tw", "zh-hant"}:
        return "zh-tw"
    return code.split("-")[0]


def news_sitemap_xml(stories, *, request, publication: str, language: str) -> bytes:
    """The Google News sitemap document for ``stories`` (ElementTree escapes every value)."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("news", NEWS_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for story in stories:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = seo.absolute_url(story.get_url(request))
        modified = story.last_published_at or story.first_published_at
        ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = seo.iso8601(modified)
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        pub = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(pub, f"{{{NEWS_NS}}}name").text = publication
        ET.SubElement(pub, f"{{{NEWS_NS}}}language").text = language
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = seo.iso8601(
            story.first_published_at
        )
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = story.title
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)


@require_GET
@cache_control(public=True, max_age=300)
def news_sitemap(request: HttpRequest) -> HttpResponse:
    from masthead.core.models import SiteSettings

    since = timezone.now() - NEWS_WINDOW
    stories = (
        StoryPage.objects.live()
        .public()
        .filter(first_published_at__gte=since)
        .defer_streamfields()
        .order_by("-first_published_at", "-pk")[:NEWS_LIMIT]
    )
    body = news_sitemap_xml(
        stories,
        request=request,
        publication=SiteSettings.load(request_or_site=request).site_name,
        language=news_language(settings.LANGUAGE_CODE),
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += [
        "",
        f"Sitemap: {seo.absolute_url('/sitemap.xml')}",
        f"Sitemap: {seo.absolute_url('/news-sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
