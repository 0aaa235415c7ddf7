"""The demo's newsletters: four of them (one the daily), past editions with a
web version each, a draft for today to curate, and readers who signed up over
the last month (so the subscriber chart has a shape)."""

from __future__ import annotations

from datetime import datetime, timedelta

from masthead.content.letters import story_teaser
from masthead.content.models import SectionPage, StoryPage
from masthead.newsletters.models import Edition, EditionItem, Newsletter, NewsletterSubscription

NEWSLETTERS = [
    # slug, name, description, frequency, section slug, sort order
    ("daily", "The Daily Briefing",
     "The day's most important stories, in your inbox every morning.", "daily", None, 10),
    ("city-desk", "City Desk",
     "Alder Bay's council, transit, schools and neighbourhoods, every Monday.", "weekly", "city", 20),
    ("climate-watch", "Climate Watch",
     "The sea, the weather and what the bay is doing about both. Weekly.", "weekly", "climate", 30),
    ("world-dispatch", "World Dispatch",
     "Our correspondents abroad, when there is news worth a letter.", "occasional", "world", 40),
]  # fmt: skip
READERS_PER_NEWSLETTER = (36, 21, 17, 9)


def load_letters(now: datetime) -> None:
    sections = {s.slug: s for s in SectionPage.objects.all()}
    for index, (slug, name, description, frequency, section, order) in enumerate(NEWSLETTERS):
        newsletter, _ = Newsletter.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "frequency": frequency,
                "section": sections.get(section) if section else None,
                "sort_order": order,
                "on_stories": slug == "daily",
                "is_default": slug == "daily",
            },
        )
        _readers(newsletter, READERS_PER_NEWSLETTER[index], now)
        _editions(newsletter, now)


def _readers(newsletter: Newsletter, count: int, now: datetime) -> None:
    rows = []
    for n in range(count):
        confirmed = now - timedelta(days=29 - (n * 29) // count, hours=n % 7)
        left = confirmed + timedelta(days=5) if n % 9 == 4 else None
        rows.append(
            NewsletterSubscription(
                newsletter=newsletter,
                email=f"reader{n + 1}.{newsletter.slug}@example.org",
                status=NewsletterSubscription.UNSUBSCRIBED
                if left
                else NewsletterSubscription.ACTIVE,
                confirmed_at=confirmed,
                unsubscribed_at=left,
            )
        )
    NewsletterSubscription.objects.bulk_create(rows)
    NewsletterSubscription.objects.filter(newsletter=newsletter).update(created_at=now)


def _editions(newsletter: Newsletter, now: datetime) -> None:
    step = 1 if newsletter.frequency == Newsletter.DAILY else 7
    stories = StoryPage.objects.live().select_related("lead_image").order_by("-first_published_at")
    if newsletter.section_id:
        stories = stories.descendant_of(newsletter.section)
    stories = list(stories)
    for back in (3, 2, 1, 0):
        end = now - timedelta(days=back * step)
        picked = [
            s for s in stories if end - timedelta(days=step * 2) <= s.first_published_at < end
        ]
        if not picked:
            continue
        sent = back > 0
        edition = Edition.objects.create(
            newsletter=newsletter,
            issue_date=end.date(),
            subject=f"{newsletter.name}: {picked[0].title}"[:200],
            intro="Good morning. Here is what our newsroom found worth your time."
            if newsletter.frequency == Newsletter.DAILY
            else "",
            status=Edition.SENT if sent else Edition.DRAFT,
            send_at=end if sent else None,
            sent_at=end if sent else None,
        )
        for order, story in enumerate(picked[:6]):
            teaser = story_teaser(story)
            EditionItem.objects.create(
                edition=edition,
                sort_order=order,
                page=story,
                title=teaser.title,
                summary=teaser.summary,
                url=teaser.url,
                image_url=teaser.image_url,
                image_alt=teaser.image_alt,
            )
