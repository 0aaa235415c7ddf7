"""Search and sharing metadata as plain data: JSON-LD dicts, OpenGraph/Twitter tags.

Everything here is a pure function of the values passed in (no database, no
request), so the shape Google and social networks read is unit-tested without
rendering a page. ``templatetags/seo_tags.py`` gathers the values from pages
and snippets and hands them to these builders.

Paywalled stories are described, not cloaked: a walled story keeps the same
HTML for crawlers and readers, and its JSON-LD says ``isAccessibleForFree:
false`` with the walled part marked by CSS selector (Google's "subscription and
paywalled content" markup).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

SCHEMA = "https://schema.org"
PAYWALL_SELECTOR = ".paywall"
DESCRIPTION_LENGTH = 200

# Characters that could end the <script> element or open an HTML comment/CDATA
# inside it. JSON allows \uXXXX escapes in strings, so escaping them keeps the
# data identical for a JSON parser while the HTML parser never sees them.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


@dataclass(frozen=True)
class Link:
    """A named thing with an address: an author, a series, a section."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class ImageRef:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass(frozen=True)
class MetaTag:
    """One ``<meta>``: ``attr`` is ``property`` (OpenGraph) or ``name`` (Twitter)."""

    attr: str
    key: str
    content: str


@dataclass(frozen=True)
class Feed:
    title: str
    href: str
    type: str = "application/rss+xml"


@dataclass
class Head:
    """Everything ``content/includes/seo.html`` prints into ``<head>``."""

    canonical: str = ""
    description: str = ""
    meta: list[MetaTag] = field(default_factory=list)
    feeds: list[Feed] = field(default_factory=list)
    json_ld: SafeString | str = ""
    robots: str = ""


def absolute_url(url: str, site_url: str | None = None) -> str:
    """The public address of ``url``: paths are joined to ``SITE_URL``.

    Already absolute addresses (media on object storage, a page of another
    Wagtail site) are kept as they are.
    """
    base = (site_url if site_url is not None else settings.SITE_URL).rstrip("/")
    if not url:
        return base + "/"
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return url
    if url.startswith("//"):
        return "https:" + url
    if not url.startswith("/"):
        url = "/" + url
    return base + url


def iso8601(value: datetime | None) -> str | None:
    """ISO 8601 with an explicit offset (naive datetimes are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def plain_text(value: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Rich text as one line of plain text, cut at a word boundary."""
    text = html.unescape(strip_tags(value or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return cut + "…"


def dumps(data: dict | list) -> str:
    """JSON that is safe to place inside ``<script>``: no ``<``, ``>`` or ``&``."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def json_ld_script(data: dict | list | None) -> SafeString | str:
    if not data:
        return ""
    return mark_safe(  # noqa: S308 - dumps() escapes every character that ends a script
        f'<script type="application/ld+json">{dumps(data)}</script>'
    )


def organization(*, name: str, url: str, logo_url: str) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": name,
        "url": url,
        "logo": {"@type": "ImageObject", "url": logo_url},
    }


def person(author: Link) -> dict:
    data = {"@type": "Person", "name": author.name}
    if author.url:
        data["url"] = author.url
    return data


def news_article(
    *,
    headline: str,
    description: str,
    url: str,
    image_urls: Sequence[str],
    published: datetime | None,
    modified: datetime | None,
    authors: Sequence[Link],
    publisher: dict,
    section: str = "",
    series: Link | None = None,
    keywords: Iterable[str] = (),
    walled: bool = False,
) -> dict:
    """Schema.org ``NewsArticle`` for a story, with paywall markup when walled."""
    data: dict = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        # Google truncates headlines past 110 characters; do it ourselves.
        "headline": headline[:110],
    }
    if description:
        data["description"] = description
    if image_urls:
        data["image"] = list(image_urls)
    if published:
        data["datePublished"] = iso8601(published)
    if modified or published:
        data["dateModified"] = iso8601(modified or published)
    if authors:
        data["author"] = [person(a) for a in authors]
    data["publisher"] = publisher
    if section:
        data["articleSection"] = section
    if series:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": series.name, "url": series.url}
    keywords = [k for k in keywords if k]
    if keywords:
        data["keywords"] = keywords
    data["isAccessibleForFree"] = not walled
    if walled:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": PAYWALL_SELECTOR,
        }
    return data


def website(*, name: str, url: str, description: str, publisher: dict) -> dict:
    """The home page: the site and the organisation behind it."""
    site = {"@type": "WebSite", "name": name, "url": url, "publisher": {"@id": url + "#org"}}
    if description:
        site["description"] = description
    return {"@context": SCHEMA, "@graph": [site, {**publisher, "@id": url + "#org"}]}


def collection_page(*, name: str, url: str, description: str = "") -> dict:
    """Section, series and tag pages: a list of stories."""
    data = {"@context": SCHEMA, "@type": "CollectionPage", "name": name, "url": url}
    if description:
        data["description"] = description
    return data


def profile_page(*, author: Link, description: str = "", image_url: str = "") -> dict:
    """An author's page: Google's ``ProfilePage`` with the ``Person`` as main entity."""
    entity = person(author)
    if description:
        entity["description"] = description
    if image_url:
        entity["image"] = image_url
    return {"@context": SCHEMA, "@type": "ProfilePage", "url": author.url, "mainEntity": entity}


def video_object(
    *,
    name: str,
    url: str,
    description: str,
    thumbnail_url: str,
    uploaded: datetime | None,
    duration_seconds: int,
    content_url: str = "",
    embed_url: str = "",
) -> dict:
    data: dict = {
        "@context": SCHEMA,
        "@type": "VideoObject",
        "name": name,
        "url": url,
        "description": description or name,
    }
    if thumbnail_url:
        data["thumbnailUrl"] = [thumbnail_url]
    if uploaded:
        data["uploadDate"] = iso8601(uploaded)
    if duration_seconds:
        minutes, seconds = divmod(duration_seconds, 60)
        data["duration"] = f"PT{minutes}M{seconds}S"
    if content_url:
        data["contentUrl"] = content_url
    if embed_url:
        data["embedUrl"] = embed_url
    return data


def social_tags(
    *,
    site_name: str,
    title: str,
    description: str,
    url: str,
    og_type: str = "website",
    image: ImageRef | None = None,
    published: datetime | None = None,
    modified: datetime | None = None,
    section: str = "",
    author_urls: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> list[MetaTag]:
    """OpenGraph and Twitter card tags, in the order validators expect them."""
    og = [
        ("og:site_name", site_name),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:type", og_type),
    ]
    if image:
        og += [("og:image", image.url)]
        if image.width and image.height:
            og += [("og:image:width", str(image.width)), ("og:image:height", str(image.height))]
        if image.alt:
            og += [("og:image:alt", image.alt)]
    if og_type == "article":
        og += [
            ("article:published_time", iso8601(published) or ""),
            ("article:modified_time", iso8601(modified or published) or ""),
            ("article:section", section),
        ]
        og += [("article:author", author_url) for author_url in author_urls]
        og += [("article:tag", tag) for tag in tags]
    twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]
    if image:
        twitter += [("twitter:image", image.url)]
        if image.alt:
            twitter += [("twitter:image:alt", image.alt)]
    return [MetaTag("property", k, v) for k, v in og if v] + [
        MetaTag("name", k, v) for k, v in twitter if v
    ]
