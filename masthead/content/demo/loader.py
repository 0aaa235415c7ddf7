"""Builds the demo site. Temporary minimal version; full content lands next."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.content.models import HomePage, SectionPage, StoryAuthor, StoryPage
from masthead.content.snippets import Author
from masthead.core.models import SiteSettings


@transaction.atomic
def load_demo(admin_password: str | None = None) -> bool:
    if HomePage.objects.exists():
        return False
    User = get_user_model()
    if admin_password and not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.org", admin_password)
    root = Page.get_first_root_node()
    for child in root.get_children():
        if child.specific_class is Page:
            Site.objects.filter(root_page=child).delete()
            child.delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"root_page": home, "hostname": "localhost", "site_name": "The Masthead Courier"},
    )
    SiteSettings.load()
    author = Author.objects.create(name="Ada Reporter", slug="ada-reporter")
    world = home.add_child(instance=SectionPage(title="World", slug="world"))
    now = timezone.now()
    for i in range(3):
        story = StoryPage(
            title=f"Story number {i}",
            slug=f"story-{i}",
            deck="A deck",
            body=[("paragraph", f"<p>Paragraph {i}.</p>")],
            first_published_at=now - timedelta(days=i),
        )
        story.story_authors = [StoryAuthor(author=author)]
        world.add_child(instance=story)
        story.save_revision().publish()
    return True
