"""``{% seo_head as seo %}``: canonical link, OpenGraph/Twitter tags, feeds and JSON-LD.

``content/includes/seo.html`` is included in ``<head>`` of every page. This tag
looks at what the page is about (a Wagtail page, or the ``author``, ``series``,
``tag`` or ``video`` of a reader view), gathers the values with as few queries
as it can (one for renditions, one for authors, one for tags) and hands them
to the pure builders in ``masthead/content/seo.py``.
"""

from __future__ import annotations

import logging

from django import template
from django.templatetags.static import static
from django.urls import reverse
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from masthead.content import seo
from masthead.content.seo import Feed, Head, ImageRef, Link

register = template.Library()
logger = logging.getLogger(__name__)

OG_SPEC = "fill-1200x630"
# Google asks for 16:9-ish, 4:3 and 1:1 images of at least 50,000 pixels each.
JSONLD_SPECS = (OG_SPEC, "fill-1200x900", "fill-1200x1200")
PORTRAIT_SPEC = "fill-600x600"
LOGO = "masthead/img/logo.png"


def renditions(image, specs: tuple[str, ...]) -> dict:
    """Renditions of ``image`` by spec, or none when the source file is missing."""
    if image is None:
        return {}
    try:
        return image.get_renditions(*specs)
    except (SourceImageIOError, OSError):
        # A missing original must not take the page down; the page loses its image tags.
        logger.warning("image %s has no readable source file", image.pk)
        return {}


def image_ref(rendition, alt: str = "") -> ImageRef | None:
    if rendition is None:
        return None
    return ImageRef(
        url=seo.absolute_url(rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=alt,
    )


def logo_url() -> str:
    return seo.absolute_url(static(LOGO))


def publisher(site_name: str) -> dict:
    return seo.organization(name=site_name, url=seo.absolute_url("/"), logo_url=logo_url())


def author_link(author) -> Link:
    return Link(author.name, seo.absolute_url(author.get_absolute_url()))


def site_feeds(site_name: str) -> list[Feed]:
    return [
        Feed(site_name, seo.absolute_url(reverse("content:feed"))),
        Feed(site_name, seo.absolute_url(reverse("content:feed-atom")), "application/atom+xml"),
    ]


@register.simple_tag(takes_context=True)
def seo_head(context) -> Head:
    request = context.get("request")
    site_settings = context.get("site_settings")
    site_name = site_settings.site_name if site_settings else ""
    head = Head(feeds=site_feeds(site_name))
    page = context.get("page")
    if isinstance(page, Page):
        _page_head(head, page.specific, context, site_name)
    elif context.get("author") is not None:
        _author_head(head, context["author"], site_name)
    elif context.get("series") is not None:
        _series_head(head, context["series"], site_name)
    elif context.get("tag") is not None:
        _tag_head(head, context["tag"], site_name)
    elif context.get("video") is not None:
        _video_head(head, context["video"], site_name)
    elif request is not None and getattr(request.resolver_match, "view_name", "") in {
        "content:videos"
    }:
        _simple_head(head, f"Video — {site_name}", "", request.path, site_name)
    if head.canonical:
        number = getattr(context.get("stories"), "number", 1)
        if isinstance(number, int) and number > 1:
            head.canonical += f"?page={number}"
    if request is not None and getattr(request, "is_preview", False):
        head.robots = "noindex"
    return head


def _simple_head(head: Head, title: str, description: str, path: str, site_name: str) -> None:
    head.canonical = seo.absolute_url(path)
    head.description = description
    head.meta = seo.social_tags(
        site_name=site_name, title=title, description=description, url=head.canonical
    )


def _page_head(head: Head, page: Page, context, site_name: str) -> None:
    from masthead.content.models import HomePage, SectionPage, StoryPage

    request = context.get("request")
    url = seo.absolute_url(page.get_url(request) or "/")
    head.canonical = url
    title = page.seo_title or page.title
    if isinstance(page, StoryPage):
        _story_head(head, page, title, url, site_name, walled=bool(context.get("walled")))
        return
    description = page.search_description
    if isinstance(page, SectionPage):
        description = description or page.description
        head.json_ld = seo.json_ld_script(
            seo.collection_page(name=title, url=url, description=description)
        )
        head.feeds.insert(0, Feed(f"{page.title} — {site_name}", section_feed_url(page.slug)))
    elif isinstance(page, HomePage):
        description = (
            description or page.intro or getattr(context.get("site_settings"), "tagline", "")
        )
        title = site_name or title
        head.json_ld = seo.json_ld_script(
            seo.website(
                name=site_name, url=url, description=description, publisher=publisher(site_name)
            )
        )
    head.description = seo.plain_text(description)
    head.meta = seo.social_tags(
        site_name=site_name,
        title=title,
        description=head.description,
        url=url,
        image=ImageRef(logo_url(), 256, 256, site_name),
    )


def section_feed_url(slug: str) -> str:
    return seo.absolute_url(reverse("content:section-feed", args=[slug]))


def _story_head(head: Head, story, title: str, url: str, site_name: str, *, walled: bool) -> None:
    parent = story.get_parent()
    section = parent.specific if parent else None
    authors = [credit.author for credit in story.story_authors.select_related("author")]
    tags = [tag.name for tag in story.tags.all()]
    images = renditions(story.lead_image, JSONLD_SPECS)
    alt = story.lead_image_alt or story.lead_image_caption
    description = story.deck or story.search_description or _opening(story)
    head.description = seo.plain_text(description)
    series = (
        Link(story.series.title, seo.absolute_url(story.series.get_absolute_url()))
        if story.series_id
        else None
    )
    head.meta = seo.social_tags(
        site_name=site_name,
        title=title,
        description=head.description,
        url=url,
        og_type="article",
        image=image_ref(images.get(OG_SPEC), alt),
        published=story.first_published_at,
        modified=story.last_published_at,
        section=section.title if section else "",
        author_urls=[author_link(a).url for a in authors],
        tags=tags,
    )
    head.json_ld = seo.json_ld_script(
        seo.news_article(
            headline=story.title,
            description=head.description,
            url=url,
            image_urls=[seo.absolute_url(images[s].url) for s in JSONLD_SPECS if s in images],
            published=story.first_published_at,
            modified=story.last_published_at,
            authors=[author_link(a) for a in authors],
            publisher=publisher(site_name),
            section=section.title if section else "",
            series=series,
            keywords=tags,
            walled=walled,
        )
    )
    if series:
        head.feeds.insert(
            0,
            Feed(
                f"{series.name} — {site_name}",
                seo.absolute_url(reverse("content:series-feed", args=[story.series.slug])),
            ),
        )
    if section:
        head.feeds.insert(0, Feed(f"{section.title} — {site_name}", section_feed_url(section.slug)))


def _opening(story) -> str:
    """The first paragraph: what a walled reader sees anyway, so safe to describe."""
    for block in story.body:
        if block.block_type == "paragraph":
            return str(block.value)
    return ""


def _author_head(head: Head, author, site_name: str) -> None:
    link = author_link(author)
    head.canonical = link.url
    head.description = seo.plain_text(author.bio) or author.role
    image = image_ref(renditions(author.photo, (PORTRAIT_SPEC,)).get(PORTRAIT_SPEC), author.name)
    head.meta = seo.social_tags(
        site_name=site_name,
        title=author.name,
        description=head.description,
        url=link.url,
        og_type="profile",
        image=image,
    )
    head.json_ld = seo.json_ld_script(
        seo.profile_page(
            author=link, description=head.description, image_url=image.url if image else ""
        )
    )
    head.feeds.insert(
        0,
        Feed(
            f"{author.name} — {site_name}",
            seo.absolute_url(reverse("content:author-feed", args=[author.slug])),
        ),
    )


def _series_head(head: Head, series, site_name: str) -> None:
    url = seo.absolute_url(series.get_absolute_url())
    head.canonical = url
    head.description = seo.plain_text(series.description)
    head.meta = seo.social_tags(
        site_name=site_name,
        title=series.title,
        description=head.description,
        url=url,
        image=image_ref(renditions(series.image, (OG_SPEC,)).get(OG_SPEC), series.title),
    )
    head.json_ld = seo.json_ld_script(
        seo.collection_page(name=series.title, url=url, description=head.description)
    )
    head.feeds.insert(
        0,
        Feed(
            f"{series.title} — {site_name}",
            seo.absolute_url(reverse("content:series-feed", args=[series.slug])),
        ),
    )


def _tag_head(head: Head, tag, site_name: str) -> None:
    url = seo.absolute_url(reverse("content:tag", args=[tag.slug]))
    head.canonical = url
    head.meta = seo.social_tags(site_name=site_name, title=tag.name, description="", url=url)
    head.json_ld = seo.json_ld_script(seo.collection_page(name=tag.name, url=url))


def _video_head(head: Head, video, site_name: str) -> None:
    url = seo.absolute_url(video.get_absolute_url())
    head.canonical = url
    head.description = seo.plain_text(video.caption)
    poster = image_ref(renditions(video.poster, (OG_SPEC,)).get(OG_SPEC), video.title)
    content_url = seo.absolute_url(video.file.url) if video.file else ""
    head.meta = seo.social_tags(
        site_name=site_name,
        title=video.title,
        description=head.description,
        url=url,
        og_type="video.other",
        image=poster,
    )
    if content_url:
        head.meta.insert(5, seo.MetaTag("property", "og:video", content_url))
    head.json_ld = seo.json_ld_script(
        seo.video_object(
            name=video.title,
            url=url,
            description=head.description,
            thumbnail_url=poster.url if poster else "",
            uploaded=video.published_at,
            duration_seconds=video.duration_seconds,
            content_url=content_url,
            embed_url=video.embed_url,
        )
    )
