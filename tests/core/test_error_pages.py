"""Error pages a reader can meet are the site's own, never Django's bare ones."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_styled_page(home):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/sign-in-link/", {"email": "reader@example.org"})
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


def test_the_server_error_page_renders_from_its_template():
    from django.test import RequestFactory

    from masthead.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "We have been told about it." in response.content.decode()
    assert "<style>" in response.content.decode()  # the template's own, not the fallback


def test_a_missing_500_template_still_answers_a_page(monkeypatch):
    """A package swapped under a running server once made 500.html vanish, and
    the error page itself failed with TemplateDoesNotExist."""
    from django.template import TemplateDoesNotExist, loader
    from django.test import RequestFactory

    from masthead.core import views

    def missing(*args, **kwargs):
        raise TemplateDoesNotExist("500.html")

    monkeypatch.setattr(loader, "render_to_string", missing)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "<style>" not in response.content.decode()


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
