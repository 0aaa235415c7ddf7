"""Error pages a reader can meet are the site's own, never Django's bare ones."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_styled_page(home):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/wall/", {"email": "reader@example.org", "agree": "on"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "We couldn&rsquo;t accept that request" in page
    assert "Please go back, reload the page and try again." in page
    assert 'class="masthead' in page  # the newspaper's own layout around it


@pytest.mark.django_db
def test_unknown_page_is_a_styled_404(home):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert 'class="masthead' in response.content.decode()


def test_the_server_error_page_answers_even_without_its_template(settings, rf):
    """The package swapped under a running server, or a broken theme: the
    reader still gets a page (issue 9, item 10), not an error inside the error."""
    from masthead.core.views import server_error

    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": False,
        }
    ]
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong</h1>" in page
    assert '<a href="/">Go to the front page</a>' in page
