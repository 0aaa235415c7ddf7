"""A reader discusses a story in headless Chromium: the count after load, the
thread in place, posting (hostile text included), replying, editing, reporting,
at desktop and phone widths, with screenshots.

Screenshots land in ``$BROWSER_SHOTS_DIR`` when set, else in the test's temporary folder.
"""

from __future__ import annotations

import pytest

from masthead.comments.models import Comment, CommentReport
from tests.accounts.factories import PASSWORD
from tests.browser.support import VIEWPORTS, new_page
from tests.comments.factories import CommenterFactory, CommentFactory

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script> javascript:alert(3)'


@pytest.fixture
def rules(transactional_db):
    from masthead.comments.models import CommentSettings

    row = CommentSettings.load()
    row.premoderate_first = 0
    row.premoderate_links = False
    row.save()
    return row


@pytest.mark.parametrize("width", VIEWPORTS)
def test_post_reply_edit_and_report(
    transactional_db, section, live_server, browser, shots_dir, rules, width
):
    from tests.content.factories import publish_story

    story = publish_story(section, title="Ferry timetable changes", slug="ferry")
    neighbour = CommenterFactory(display_name="Bo Neighbour")
    theirs = CommentFactory(page_id=story.pk, author=neighbour, body="Is the 7:10 boat gone?")
    reader = CommenterFactory(display_name="Ada Reader").user
    problems: list[str] = []
    dialogs: list[str] = []
    page = new_page(browser, width, problems)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(f"{live_server.url}/accounts/login/?next={story.url}")
    page.fill("input[name=login]", reader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}{story.url}")

    toggle = page.locator("[data-comments-toggle]")
    page.wait_for_selector("[data-comments-count]:has-text('(1)')")
    assert toggle.inner_text() == "Show Comments (1)"
    toggle.click()
    page.wait_for_selector(".thread__title:has-text('1 comment')")
    assert page.url == f"{live_server.url}{story.url}"  # loaded in place
    page.locator("#comments").screenshot(path=str(shots_dir / f"comments-open-{width}.png"))

    box = page.locator("#comment-body")
    box.fill(HOSTILE)
    assert page.locator("#comment-count").inner_text() == f"{len(HOSTILE)} of 5,000 characters."
    page.click("button:has-text('Post comment')")
    page.wait_for_selector(".comments-notice:has-text('Your comment is published.')")
    mine = Comment.objects.get(author__user=reader)
    text = page.locator(f"#c{mine.pk} .comment__text").inner_text()
    assert text == HOSTILE
    page.wait_for_selector("[data-comments-count]:has-text('(2)')")  # fetched again after posting

    page.click(f"#c{theirs.pk} a:has-text('Reply')")
    page.fill(f"#reply-{theirs.pk}-body", "Moved to 7:25 from Monday.")
    page.click(f"#c{theirs.pk} button:has-text('Post reply')")
    page.wait_for_selector(f"#c{theirs.pk} .comment-list--replies:has-text('Moved to 7:25')")
    page.locator("#comments").screenshot(path=str(shots_dir / f"comments-replied-{width}.png"))

    page.click(f"#c{mine.pk} a:has-text('Edit')")
    page.fill(f"#edit-{mine.pk}-body", "On reflection: the timetable PDF is on the port's site.")
    page.click(f"#c{mine.pk} button:has-text('Save changes')")
    page.wait_for_selector(f"#c{mine.pk} .comment__edited")
    assert "On reflection" in page.locator(f"#c{mine.pk} .comment__text").inner_text()

    page.click(f"#c{theirs.pk} a:has-text('Report')")
    page.check(f"#c{theirs.pk} input[value=off_topic]")
    page.locator(f"#c{theirs.pk} .comment-action").screenshot(
        path=str(shots_dir / f"comments-report-form-{width}.png")
    )
    page.click(f"#c{theirs.pk} button:has-text('Send report')")
    page.wait_for_selector(".comments-notice:has-text('Thank you for your report.')")
    assert CommentReport.objects.get().reason == "off_topic"
    page.locator("#comments").screenshot(path=str(shots_dir / f"comments-done-{width}.png"))

    box = page.locator("#comment-body")
    box.fill("x" * 5003)
    assert page.locator("#comment-count").inner_text() == "3 characters over the limit of 5,000."
    page.click("button:has-text('Post comment')")
    page.wait_for_selector(".comments-notice--error:has-text('the limit is 5,000')")
    assert page.input_value("#comment-body") == "x" * 5003  # kept
    page.locator("#comments").screenshot(path=str(shots_dir / f"comments-too-long-{width}.png"))

    assert dialogs == []
    # The over-long comment is answered 400 by design; nothing else may fail.
    assert [p for p in problems if not p.startswith("400:")] == []
    page.context.close()
