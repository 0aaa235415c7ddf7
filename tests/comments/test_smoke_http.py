from masthead.comments.models import Comment


def test_post_and_see(reader_client, story, rules):
    r = reader_client.post(
        f"/comments/{story.pk}/post/", {"body": "Hello <b>there</b>", "display_name": "Ada"}
    )
    assert r.status_code == 302, r.content[:2000]
    page = reader_client.get(r["Location"])
    assert page.status_code == 200
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in page.content.decode()
    assert Comment.objects.count() == 1
    story_page = reader_client.get(story.url)
    assert b"Show Comments" in story_page.content
