"""Reader pages that are not Wagtail pages: author, series, tag and video pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from masthead.analytics.hits import video_view_record

from . import selectors
from .snippets import Author, Series, Video

PAGE_SIZE = 20


def _page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    stories = selectors.live_stories().filter(story_authors__author=author).distinct()
    return render(
        request, "content/author.html", {"author": author, "stories": _page_of(request, stories)}
    )


def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series.objects.select_related("image"), slug=slug)
    stories = selectors.live_stories().filter(series=series)
    return render(
        request, "content/series.html", {"series": series, "stories": _page_of(request, stories)}
    )


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from taggit.models import Tag

    tag = get_object_or_404(Tag, slug=slug)
    stories = selectors.live_stories().filter(tags__slug=tag.slug).distinct()
    return render(request, "content/tag.html", {"tag": tag, "stories": _page_of(request, stories)})


def video_list(request: HttpRequest) -> HttpResponse:
    videos = Video.objects.select_related("poster", "section")
    return render(request, "content/video_list.html", {"videos": _page_of(request, videos)})


def video_detail(request: HttpRequest, slug: str) -> HttpResponse:
    video = get_object_or_404(Video.objects.select_related("poster", "section"), slug=slug)
    more = Video.objects.exclude(pk=video.pk).select_related("poster")[:4]
    video_view_record(request, video.pk)  # analytics: a video view
    return render(request, "content/video.html", {"video": video, "more_videos": more})
