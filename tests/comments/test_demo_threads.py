"""The demo's comment threads: several stories, three levels, some held for moderators."""

from __future__ import annotations

from django.utils import timezone

from masthead.comments.models import Comment
from masthead.demo.comments import THREADS, load_comments
from tests.content.factories import publish_story


def test_demo_threads(client, section):
    stories = {slug: publish_story(section, title=slug, slug=slug) for slug in THREADS}
    now = timezone.now()
    written = load_comments({s: p.pk for s, p in stories.items()}, {}, now)
    assert written == Comment.objects.count() == 17
    assert Comment.objects.filter(status="pending").count() == 2
    assert Comment.objects.filter(depth=3).exists()
    assert len({c.page_id for c in Comment.objects.all()}) == 4
    html = client.get(f"/comments/{stories['pier-4-crane-collapse'].pk}/").content.decode()
    assert "replying to Marta Okafor" in html
    assert "this is all a scam" not in html  # held for a moderator
    bus = client.get(f"/comments/{stories['bay-transit-overnight-buses'].pk}/").content.decode()
    assert "This comment was deleted." in bus
