from datetime import timedelta

from django.utils import timezone

from tests.content.factories import AuthorFactory, SeriesFactory, publish_story


def test_story_page_shows_headline(client, section):
    story = publish_story(section, title="Harbour reopens after storm")
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Harbour reopens after storm" in response.content.decode()


def test_next_story_follows_the_series_then_the_section(section):
    now = timezone.now()
    series = SeriesFactory()
    author = AuthorFactory()
    older = publish_story(
        section, title="Older", authors=[author], published=now - timedelta(days=5)
    )
    first = publish_story(
        section, title="Part one", series=series, published=now - timedelta(days=3)
    )
    second = publish_story(
        section, title="Part two", series=series, published=now - timedelta(days=2)
    )
    from masthead.content.selectors import next_story

    assert next_story(first).pk == second.pk
    assert next_story(second).pk == first.pk  # newest earlier story of the section
    assert next_story(older).pk != older.pk


def test_unknown_page_is_a_styled_404(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<header" in response.content.decode()
