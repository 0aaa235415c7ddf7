"""The read-only JSON content API: Wagtail API v2 at ``/api/v2/``.

Endpoints: ``pages`` (live, public pages: stories, sections, ...), ``images``,
and the snippets ``authors``, ``series`` and ``videos``. Two choices differ
from Wagtail's defaults, and why:

- a story's ``body`` is served to staff only. The site is metered; an open API
  returning every body in full would be the easiest way round the wall.
  Everything a listing or an app needs (headline, deck, lead image, authors,
  dates, links) stays public.
- any malformed parameter answers 400 with a JSON ``message``. Wagtail checks
  most parameters itself; values that reach the database unparsed (a date that
  is not a date, an id that is not a number, a number too big for SQLite)
  would otherwise surface as a server error.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DataError
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.fields import Field
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import BaseSerializer, PageSerializer
from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.views import ImagesAPIViewSet

from . import seo
from .snippets import Author, Series, Video

logger = logging.getLogger(__name__)

# Errors that mean "this parameter's value cannot be used", raised by Django
# while it converts a query-string value for the database.
MALFORMED = (ValueError, TypeError, OverflowError, ValidationError, FieldError, DataError)
STAFF_ONLY_FIELDS = frozenset({"body"})
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL store
MAX_SEARCH_LENGTH = 200
# Full-text backends parse their own query syntax (SQLite FTS5 fails on a stray
# quote); readers and apps search for words, so everything else becomes a space.
SEARCH_NOISE = re.compile(r"[^\w\s]+")


class BoundedPagination(WagtailPagination):
    """Wagtail's limit/offset paging, refusing offsets no database can seek to."""

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class WordSearchFilter(SearchFilter):
    """Wagtail's ``?search=``, with the query reduced to words first."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return super().filter_queryset(request, queryset, view)
        query = request.GET["search"]
        if len(query) > MAX_SEARCH_LENGTH:
            raise BadRequestError(f"search cannot be longer than {MAX_SEARCH_LENGTH} characters")
        params = request.GET.copy()
        params["search"] = " ".join(SEARCH_NOISE.sub(" ", query).split())
        if not params["search"]:
            return queryset.none()
        return super().filter_queryset(SimpleNamespace(GET=params), queryset, view)


class SingleValueOrderingFilter(OrderingFilter):
    """Wagtail's ``?order=``, refusing fields that hold a list (``tags``).

    Ordering by a many-valued field joins its rows, so an item with three
    tags would be listed three times while ``total_count`` still says one.
    """

    def filter_queryset(self, request, queryset, view):
        for name in request.GET.get("order", "").split(","):
            name = name.strip().lstrip("-")
            try:
                field = queryset.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # Wagtail's own check answers for unknown names
            if field.many_to_many or field.one_to_many:
                raise BadRequestError(f"cannot order by '{name}' (it holds a list)")
        return super().filter_queryset(request, queryset, view)


def _with_single_value_ordering(backends: list) -> list:
    return [SingleValueOrderingFilter if b is OrderingFilter else b for b in backends]


class SafeParametersMixin:
    """Answer 400 with a message for malformed values instead of a 500."""

    authentication_classes = [SessionAuthentication]
    pagination_class = BoundedPagination

    def initial(self, request, *args, **kwargs):
        """A number no database key can hold is refused up front: SQLite raises
        on it deep in the query while PostgreSQL quietly matches nothing, and
        the answer must not depend on the database."""
        super().initial(request, *args, **kwargs)
        for name, value in request.GET.items():
            digits = value.strip().removeprefix("-")
            if digits.isascii() and digits.isdigit() and int(digits) > MAX_ID:
                raise BadRequestError(f"{name}: number out of range")

    def handle_exception(self, exc):
        if isinstance(exc, MALFORMED):
            logger.info("api: malformed parameters %s: %r", self.request.GET.urlencode(), exc)
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
            exc = BadRequestError("malformed query parameter" + (f": {message}" if message else ""))
        return super().handle_exception(exc)


class SiteHtmlUrlField(Field):
    """``html_url`` on ``SITE_URL``, the public origin, whatever the Site's host name."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, obj):
        url = obj.get_url(self.context.get("request")) if hasattr(obj, "get_url") else None
        if url is None and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        return seo.absolute_url(url) if url else None


class SitePageSerializer(PageSerializer):
    html_url = SiteHtmlUrlField(read_only=True)


class SnippetSerializer(BaseSerializer):
    html_url = SiteHtmlUrlField(read_only=True)


class PublicPagesAPIViewSet(SafeParametersMixin, PagesAPIViewSet):
    """Live, public pages; story bodies for staff only (see module docstring)."""

    base_serializer_class = SitePageSerializer
    filter_backends = [
        *_with_single_value_ordering(PagesAPIViewSet.filter_backends[:-1]),
        WordSearchFilter,
    ]
    hidden_fields = STAFF_ONLY_FIELDS

    @classmethod
    def get_body_fields(cls, model):
        return [f for f in super().get_body_fields(model) if f.name not in cls.hidden_fields]

    def get_serializer_class(self):
        request = self.request
        endpoint = StaffPagesAPIViewSet if request.user.is_staff else type(self)
        if self.action == "listing_view":
            model = self.get_queryset().model
        else:
            model = type(self.get_object())
        fields_config = []
        if "fields" in request.GET:
            try:
                fields_config = parse_fields_parameter(request.GET["fields"])
            except ValueError as e:
                raise BadRequestError(f"fields error: {e}") from e
        return endpoint._get_serializer_class(
            request.wagtailapi_router,
            model,
            fields_config,
            show_details=self.action != "listing_view",
        )


class StaffPagesAPIViewSet(PublicPagesAPIViewSet):
    """Not routed: its field list is used for staff requests to the pages endpoint."""

    hidden_fields = frozenset()


class PublicImagesAPIViewSet(SafeParametersMixin, ImagesAPIViewSet):
    filter_backends = [FieldsFilter, SingleValueOrderingFilter, WordSearchFilter]


class SnippetAPIViewSet(SafeParametersMixin, BaseAPIViewSet):
    """A read-only listing of a snippet model, filterable by its ``api_fields``."""

    base_serializer_class = SnippetSerializer
    filter_backends = [FieldsFilter, SingleValueOrderingFilter, WordSearchFilter]
    meta_fields = BaseAPIViewSet.meta_fields + ["html_url"]
    ordering: tuple[str, ...] = ("id",)
    extra_fields: list[APIField] = []

    @classmethod
    def get_body_fields(cls, model):
        return super().get_body_fields(model) + cls.extra_fields

    def get_queryset(self):
        return self.model.objects.all().order_by(*self.ordering)

    def find_object(self, queryset, request):
        if "slug" in request.GET:
            return queryset.filter(slug=request.GET["slug"]).first()
        return super().find_object(queryset, request)


class AuthorsAPIViewSet(SnippetAPIViewSet):
    name = "authors"
    model = Author
    ordering = ("name", "id")
    find_query_parameters = BaseAPIViewSet.find_query_parameters | {"slug"}
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["html_url", "name", "slug"]
    nested_default_fields = BaseAPIViewSet.nested_default_fields + ["html_url", "name"]
    extra_fields = [
        APIField("photo_thumbnail", serializer=ImageRenditionField("fill-400x400", source="photo"))
    ]


class SeriesAPIViewSet(SnippetAPIViewSet):
    name = "series"
    model = Series
    ordering = ("title", "id")
    find_query_parameters = BaseAPIViewSet.find_query_parameters | {"slug"}
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["html_url", "title", "slug"]
    nested_default_fields = BaseAPIViewSet.nested_default_fields + ["html_url", "title"]
    extra_fields = [
        APIField("image_thumbnail", serializer=ImageRenditionField("fill-800x450", source="image"))
    ]


class VideoFileField(Field):
    def get_attribute(self, instance):
        return instance.file or None

    def to_representation(self, file):
        return seo.absolute_url(file.url)


class VideosAPIViewSet(SnippetAPIViewSet):
    """Published videos (``published_at`` not in the future), newest first."""

    name = "videos"
    model = Video
    ordering = ("-published_at", "-id")
    find_query_parameters = BaseAPIViewSet.find_query_parameters | {"slug"}
    listing_default_fields = BaseAPIViewSet.listing_default_fields + [
        "html_url",
        "title",
        "slug",
        "published_at",
    ]
    nested_default_fields = BaseAPIViewSet.nested_default_fields + ["html_url", "title"]
    extra_fields = [
        APIField("file_url", serializer=VideoFileField(read_only=True)),
        APIField(
            "poster_thumbnail", serializer=ImageRenditionField("fill-800x450", source="poster")
        ),
        APIField("section"),
        APIField("tags"),
    ]

    def get_queryset(self):
        # Filter by primary key so that ?search= works: the search backend only
        # filters on indexed fields, and the primary key always is one.
        published = Video.objects.filter(published_at__lte=timezone.now()).values("pk")
        return Video.objects.filter(pk__in=published).order_by(*self.ordering)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("authors", AuthorsAPIViewSet)
api_router.register_endpoint("series", SeriesAPIViewSet)
api_router.register_endpoint("videos", VideosAPIViewSet)
