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
