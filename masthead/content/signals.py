"""Page cache invalidation: any change a reader could see starts a new generation.

Pages show more than themselves (rails, bylines, "Next Story", the site name,
images), so every save or delete of a page, a snippet shown on pages, an
image, a tag or a site bumps the one shared generation
(``masthead.core.generation``) after the transaction commits; the site
settings bump it themselves (``SiteSettings.save``). Draft saves bump too:
cheaper than telling them apart, and harmless.

Renditions are deliberately not on the list: they are created while pages
render, and bumping then would throw away the page being stored.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail import hooks
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from masthead.core.generation import generation_bump_on_commit
from masthead.pagecache.marking import before_serve_page

# Models whose rows show on reader pages, besides pages themselves.
SHOWN_ON_PAGES = (
    "content.Author",
    "content.Series",
    "content.Video",
    "wagtailimages.Image",
    "wagtailcore.Site",
    "taggit.Tag",
)

_shown: tuple[type, ...] | None = None


def _shown_models() -> tuple[type, ...]:
    global _shown
    if _shown is None:
        found = [Page]
        for label in SHOWN_ON_PAGES:
            try:
                found.append(apps.get_model(label))
            except LookupError:
                continue
        _shown = tuple(found)
    return _shown


@receiver(post_save, dispatch_uid="pagecache-save")
@receiver(post_delete, dispatch_uid="pagecache-delete")
def _row_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw and isinstance(instance, _shown_models()):
        generation_bump_on_commit()


@receiver(page_published, dispatch_uid="pagecache-published")
@receiver(page_unpublished, dispatch_uid="pagecache-unpublished")
@receiver(post_page_move, dispatch_uid="pagecache-moved")
def _page_changed(sender, **kwargs) -> None:
    generation_bump_on_commit()


# After Wagtail's view-restriction check (order 0), see pagecache.marking.before_serve_page.
hooks.register("before_serve_page", before_serve_page, order=100)
