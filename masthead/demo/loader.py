"""Builds the demo newspaper: site, settings, staff, series, videos, stories, pages.

``masthead demo`` calls ``load_demo`` on every start. The first call builds the
whole paper in one transaction (a crash half-way leaves no half-made site;
only picture and video files already written to media storage stay behind).
Later calls see the home page and return at once, so a restart changes nothing.

Dates are relative to the moment of loading, so the paper always reads as
current: the newest story is a couple of hours old and the oldest about four
weeks. One extra story is scheduled to go live two hours after loading, the way
an editor schedules one in the admin, so the publishing worker has work to do.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, Site

from masthead.content.models import HomePage, SectionPage, StandardPage, StoryAuthor, StoryPage
from masthead.content.snippets import Author, Series, Video
from masthead.core.models import SiteSettings

from . import comments, images, letters, newsroom, pages, readership, signups
from .schema import Figure, Story
from .stories import SCHEDULED, STORIES

ASSETS = Path(__file__).resolve().parent / "assets"
SCHEDULED_IN = timedelta(hours=2)
ADMIN_USERNAME = "admin"
STORY_LINK = re.compile(r'<a href="story:([a-z0-9-]+)">')


def load_demo(admin_password: str | None = None, now: datetime | None = None) -> bool:
    """Create the demo site once. Returns True if it was created by this call."""
    if HomePage.objects.exists():
        _ensure_admin(admin_password)
        return False
    now = now or timezone.now()
    jobs = images.drawing_jobs([*_oldest_first(STORIES), SCHEDULED])
    with images.Drawings(jobs) as drawn, transaction.atomic():
        _ensure_admin(admin_password)
        _build(drawn, now)
    return True


def _oldest_first(stories: list[Story]) -> list[Story]:
    return sorted(stories, key=lambda story: -story.hours_ago)


def _ensure_admin(password: str | None) -> None:
    if password is None:
        return
    from masthead.accounts.services import email_address_verify

    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(
            ADMIN_USERNAME, "admin@alderbaylantern.example", password
        )
    # Its address counts as confirmed, so it signs in on the site's own
    # sign-in page too, without a trip to the mailbox first.
    email_address_verify(user=admin)


def _build(drawn: images.Drawings, now: datetime) -> None:
    home = _home()
    sections = {
        slug: _publish_child(home, SectionPage(title=title, slug=slug, description=description))
        for slug, title, description in newsroom.SECTIONS
    }
    authors = {
        a.slug: Author.objects.create(
            name=a.name,
            slug=a.slug,
            role=a.role,
            bio=a.bio,
            photo=images.register(
                drawn, f"author-{a.slug}", title=f"Portrait of {a.name}", alt=a.name
            ),
        )
        for a in newsroom.AUTHORS
    }
    series = {
        s.slug: Series.objects.create(
            title=s.title,
            slug=s.slug,
            description=s.description,
            image=images.register(
                drawn, f"series-{s.slug}", title=f"Series art: {s.title}", alt=s.title
            ),
        )
        for s in newsroom.SERIES
    }
    videos = {v.slug: _video(v, sections, drawn, now) for v in newsroom.VIDEOS}
    context = {"sections": sections, "authors": authors, "series": series, "videos": videos}
    story_ids: dict[str, int] = {}
    for story in _oldest_first(STORIES):  # links point back in time
        story_ids[story.slug] = _story(story, context, drawn, story_ids, now).pk
    _schedule(SCHEDULED, context, drawn, story_ids, now)
    comments.load_comments(
        story_ids, {s.slug: now - timedelta(hours=s.hours_ago) for s in STORIES}, now
    )
    _site_pages(home)
    readership.reading_history_load(now=now)  # Most Read, Your Three, dashboard (readership.py)
    letters.load_letters(now)  # newsletters, past editions, sign-ups (masthead/demo/letters.py)
    signups.signups_load(now=now)  # wall sign-ups and trials for the dashboard (signups.py)


def _home() -> HomePage:
    """Replace Wagtail's placeholder page with the paper's home page and point the site at it."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        Site.objects.filter(root_page=child).delete()
        child.delete()
    root.refresh_from_db()
    home = _publish_child(root, HomePage(title="Home", slug="home", intro=newsroom.HOME_INTRO))
    Site.objects.filter(is_default_site=False, hostname="localhost", port=80).delete()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "root_page": home,
            "hostname": "localhost",
            "port": 80,
            "site_name": newsroom.SITE_NAME,
        },
    )
    return home


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _video(data, sections: dict, drawn: images.Drawings, now: datetime) -> Video:
    poster = images.register(
        drawn, f"poster-{data.slug}", title=f"Video poster: {data.title}", alt=data.title
    )
    video = Video(
        title=data.title,
        slug=data.slug,
        poster=poster,
        duration_seconds=data.duration_seconds,
        caption=data.caption,
        credit=data.credit,
        section=sections[data.section],
        published_at=now - timedelta(hours=data.hours_ago),
    )
    with (ASSETS / f"{data.slug}.mp4").open("rb") as clip:
        video.file.save(f"{data.slug}.mp4", File(clip), save=False)
    video.tags.add(*data.tags)
    video.save()
    return video


def _body(story: Story, context: dict, drawn: images.Drawings, story_ids: dict[str, int]) -> list:
    """Turn a story's data blocks into StreamField values: pictures, videos, page links."""

    def link(match: re.Match) -> str:
        slug = match.group(1)
        if slug not in story_ids:
            raise ValueError(f"{story.slug} links to {slug}, which is not published before it")
        return f'<a linktype="page" id="{story_ids[slug]}">'

    body = []
    for index, (kind, value) in enumerate(story.body):
        if kind == "paragraph":
            body.append((kind, STORY_LINK.sub(link, value)))
        elif kind == "image" and isinstance(value, Figure):
            picture = images.register(
                drawn, images.figure_key(story, index), title=value.caption, alt=value.alt
            )
            body.append(
                (
                    kind,
                    {
                        "image": picture,
                        "alt_text": value.alt,
                        "caption": value.caption,
                        "credit": value.credit,
                    },
                )
            )
        elif kind == "video":
            body.append((kind, {"video": context["videos"][value]}))
        else:
            body.append((kind, value))
    return body


def _story_page(
    story: Story, context: dict, drawn: images.Drawings, story_ids: dict[str, int]
) -> StoryPage:
    lead = images.register(
        drawn, f"{story.slug}-lead", title=story.lead.caption or story.title, alt=story.lead.alt
    )
    page = StoryPage(
        title=story.title,
        slug=story.slug,
        deck=story.deck,
        lead_image=lead,
        lead_image_alt=story.lead.alt,
        lead_image_caption=story.lead.caption,
        lead_image_credit=story.lead.credit,
        body=_body(story, context, drawn, story_ids),
        series=context["series"][story.series] if story.series else None,
        source_name=story.source[0] if story.source else "",
        source_url=story.source[1] if story.source else "",
    )
    page.story_authors = [StoryAuthor(author=context["authors"][slug]) for slug in story.authors]
    page.tags.add(*story.tags)
    return page


def _story(
    story: Story, context: dict, drawn: images.Drawings, story_ids: dict[str, int], now: datetime
) -> StoryPage:
    """Publish a story, then date it as if it had been published ``hours_ago``."""
    page = _story_page(story, context, drawn, story_ids)
    context["sections"][story.section].add_child(instance=page)
    revision = page.save_revision(clean=False)  # add_child has just validated the page
    revision.publish()
    published = now - timedelta(hours=story.hours_ago)
    updated = published + timedelta(hours=story.updated_after_hours or 0)
    StoryPage.objects.filter(pk=page.pk).update(
        first_published_at=published,
        last_published_at=updated,
        latest_revision_created_at=updated,
    )
    Revision.objects.filter(pk=revision.pk).update(created_at=published)
    PageLogEntry.objects.filter(page_id=page.pk).update(timestamp=published)
    return page


def _schedule(
    story: Story, context: dict, drawn: images.Drawings, story_ids: dict[str, int], now: datetime
) -> StoryPage:
    """Save a draft with an approved go-live time, as "Schedule to publish" does."""
    go_live = now + SCHEDULED_IN
    page = _story_page(story, context, drawn, story_ids)
    page.live = False
    page.go_live_at = go_live
    context["sections"][story.section].add_child(instance=page)
    page.save_revision(approved_go_live_at=go_live, log_action="wagtail.publish.scheduled")
    return page


def _site_pages(home: HomePage) -> None:
    made = {
        slug: _publish_child(home, StandardPage(title=title, slug=slug, body=body.strip()))
        for slug, title, body in pages.PAGES
    }
    settings = SiteSettings.load()
    settings.site_name = newsroom.SITE_NAME
    settings.tagline = newsroom.TAGLINE
    settings.terms_page = made[pages.TERMS[0]]
    settings.privacy_page = made[pages.PRIVACY[0]]
    settings.save()
