"""Template tags for the reader pages: bylines, site navigation and the walled body.

The byline format is product copy (``Author · Month D, YYYY``), so it is built
here once and unit-tested, rather than spelled out in every template that shows
a story teaser.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from masthead.core.templatetags.html_time import datetime_attr

register = template.Library()

BYLINE_SEPARATOR = " · "
DEFAULT_WALL_PREVIEW_BLOCKS = 3


def join_names(names: list[str]) -> str:
    """English list: "A", "A and B", "A, B and C" (no serial comma, as newspapers print it)."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@register.filter
def byline_date(value: datetime | None) -> str:
    """A publication date as a byline prints it: "November 2, 2012" (site time zone)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "F j, Y")


def _authors(story) -> list:
    authors = getattr(story, "authors", None)
    return list(authors) if authors else []


@register.filter
def byline_text(story) -> str:
    """The byline as plain text, e.g. "Ada Reporter and Ben Writer · November 2, 2012"."""
    names = join_names([author.name for author in _authors(story)])
    when = byline_date(getattr(story, "first_published_at", None))
    return BYLINE_SEPARATOR.join(part for part in (names, when) if part)


@register.simple_tag
def byline(story, links: bool = True) -> SafeString:
    """The byline as HTML: author names (linked to their pages) and a <time> element.

    Reads exactly like :func:`byline_text`; the markup only adds links and a
    machine-readable date.
    """
    authors = _authors(story)
    if links:
        parts = [
            format_html('<a class="byline__author" href="{}">{}</a>', a.get_absolute_url(), a.name)
            for a in authors
        ]
    else:
        parts = [format_html('<span class="byline__author">{}</span>', a.name) for a in authors]
    if len(parts) <= 1:
        names = mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
    else:
        names = format_html(
            "{} and {}", format_html_join(", ", "{}", ((p,) for p in parts[:-1])), parts[-1]
        )
    published = getattr(story, "first_published_at", None)
    pieces = []
    if authors:
        pieces.append(format_html('<span class="byline__authors">{}</span>', names))
    if published:
        pieces.append(
            format_html(
                '<time class="byline__date" datetime="{}">{}</time>',
                datetime_attr(published),
                byline_date(published),
            )
        )
    return format_html_join(BYLINE_SEPARATOR, "{}", ((p,) for p in pieces))


@register.simple_tag
def visible_blocks(body, walled=False, preview=None) -> list:
    """The body blocks a reader may see: all of them, or the first few when walled.

    The rest is left out of the HTML altogether (not hidden with CSS), so a
    walled page never carries the text it withholds.
    """
    blocks = list(body or [])
    if not walled:
        return blocks
    try:
        count = int(preview) if preview not in (None, "") else DEFAULT_WALL_PREVIEW_BLOCKS
    except (TypeError, ValueError):
        count = DEFAULT_WALL_PREVIEW_BLOCKS
    return blocks[: max(count, 0)]


@register.simple_tag(takes_context=True)
def site_nav(context) -> dict:
    """Sections and plain pages under the home page, for the header and the footer.

    One query per request (memoised on the request): the live children of the
    site's home page. Terms and privacy come from the site settings and are
    matched against that list before falling back to their own lookups.
    """
    request = context.get("request")
    cached = getattr(request, "_masthead_nav", None)
    if cached is not None:
        return cached
    nav = _build_nav(request, context.get("site_settings"))
    if request is not None:
        request._masthead_nav = nav
    return nav


def _build_nav(request, site_settings) -> dict:
    from wagtail.models import Page, Site

    from masthead.content.models import SectionPage, StandardPage

    nav = {"sections": [], "pages": [], "terms": None, "privacy": None}
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return nav
    children = list(
        Page.objects.live()
        .child_of(site.root_page)
        .type(SectionPage, StandardPage)
        .only("id", "title", "slug", "url_path", "path", "depth", "content_type_id")
        .order_by("path")
    )
    section_type = ContentType.objects.get_for_model(SectionPage).pk
    by_id = {page.pk: page for page in children}
    for key in ("terms", "privacy"):
        page_id = getattr(site_settings, f"{key}_page_id", None) if site_settings else None
        if page_id:
            nav[key] = by_id.get(page_id) or Page.objects.live().filter(pk=page_id).first()
    special = {p.pk for p in (nav["terms"], nav["privacy"]) if p}
    for page in children:
        if page.content_type_id == section_type:
            nav["sections"].append(page)
        elif page.pk not in special:
            nav["pages"].append(page)
    return nav


@register.filter
def is_within(page, ancestor) -> bool:
    """True when ``page`` is ``ancestor`` or one of its descendants (marks the current section)."""
    if not page or not ancestor or not getattr(page, "path", None):
        return False
    return page.path.startswith(ancestor.path)


@register.filter
def duration(seconds) -> str:
    """Seconds as a clock reading: 95 → "1:35", 3725 → "1:02:05"."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
