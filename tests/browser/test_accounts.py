"""A reader in headless Chromium: password sign-in, the account page, an emailed
sign-in link, at desktop and phone widths, with screenshots.

Screenshots land in ``$BROWSER_SHOTS_DIR`` when set, else in the test's temporary folder.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.support import VIEWPORTS, new_page
from tests.tasks import run_pending_tasks


@pytest.mark.parametrize("width", VIEWPORTS)
def test_sign_in_account_page_and_sign_in_link(
    transactional_db, home, live_server, browser, shots_dir, width
):
    UserFactory(email="pat@example.org")
    problems: list[str] = []
    page = new_page(browser, width, problems)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "pat@example.org")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]:has-text('Sign in')")
    assert page.locator(".notice--error").inner_text().startswith("The email address and/or")
    assert page.input_value("input[name=login]") == "pat@example.org"
    page.screenshot(path=str(shots_dir / f"accounts-login-error-{width}.png"), full_page=True)

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/account/")
    assert page.locator("h1").inner_text() == "Your account"
    assert "pat@example.org" in page.content()
    page.screenshot(path=str(shots_dir / f"accounts-account-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/account/delete/")
    page.screenshot(path=str(shots_dir / f"accounts-delete-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/account/")
    page.click("main button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/account/sign-in-link/")
    page.fill("input[name=email]", "pat@example.org")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your inbox"
    page.screenshot(path=str(shots_dir / f"accounts-link-sent-{width}.png"), full_page=True)

    mail.outbox.clear()
    run_pending_tasks()
    link = re.search(r"http://testserver(/account/sign-in-link/\S+/)", mail.outbox[-1].body)[1]
    page.goto(live_server.url + link)
    page.screenshot(path=str(shots_dir / f"accounts-link-confirm-{width}.png"), full_page=True)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + link)
    assert "already been used" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots_dir / f"accounts-link-used-{width}.png"), full_page=True)
    # The wrong password is answered 400 and the used link 410 (gone) by design;
    # nothing else may fail.
    expected = ("400:", f"410: {live_server.url}{link}")
    assert [p for p in problems if not p.startswith(expected)] == []
    page.context.close()
