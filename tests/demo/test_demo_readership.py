"""The demo's generated reading history: Most Read and Your Three have something to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from masthead.analytics.models import STORY, VIDEO, ReaderView, ViewCount
from masthead.analytics.selectors import most_read
from masthead.demo.readership import READERS, reading_history_load
from masthead.recommendations.services import index_forget, your_three
from tests.content.factories import SectionPageFactory, VideoFactory, publish_story


def test_reading_history_follows_its_documented_structure(home):
    city = SectionPageFactory(parent=home, title="City", slug="city")
    world = SectionPageFactory(parent=home, title="World", slug="world")
    now = timezone.now()
    newest = publish_story(city, title="Newest in City", published=now - timedelta(hours=3))
    for n in range(4):
        publish_story(city, title=f"City {n}", published=now - timedelta(days=2 + n))
        publish_story(world, title=f"World {n}", published=now - timedelta(days=2 + n))
    VideoFactory(title="City video", section=city, published_at=now - timedelta(days=1))
    counted = reading_history_load(now=now)
    assert counted == ReaderView.objects.count() > READERS * 3
    assert len(set(ReaderView.objects.values_list("reader", flat=True))) == READERS
    assert ViewCount.objects.filter(kind=STORY).exists()
    assert ReaderView.objects.filter(kind=VIDEO).exists()
    # City is the most common favourite and its newest story is weighted most.
    assert most_read(now=now)[0].title == "Newest in City"
    index_forget()
    assert [v.title for v in your_three(reader="new-reader")] == ["City video"]
    watcher = ReaderView.objects.filter(kind=VIDEO).values_list("reader", flat=True)[0]
    assert your_three(reader=watcher) == []
    assert newest.pk in {item.id for item in most_read(section_id=city.pk, now=now)}
