"""The thread page and the comment actions. Thin: parse, check, call one service, answer.

Every page works without JavaScript: actions are form POSTs answered with a
redirect to the thread (or the form again, with the message and the text
kept). ``comments.js`` sends the same requests with ``X-Comments-Fragment: 1``
and gets the HTML to swap in: the thread (``X-Comments-Target: thread``) or
the form again (``form``). None of these answers may enter the shared page
cache: none is marked cacheable, and all say ``private, no-store``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.core.ratelimit import client_ip

from . import notifications, services
from .counts import thread_summaries
from .forms import CommentForm, EditForm, ReportForm
from .limits import comment_limit_message
from .models import Comment, CommentSettings
from .selectors import SORT_LABELS, thread_view
from .services import CommentError

FRAGMENT_HEADER = "X-Comments-Fragment"
MAX_COUNT_PAGES = 50


def _fragment(request: HttpRequest) -> bool:
    return request.headers.get(FRAGMENT_HEADER) == "1"


def _private(response: HttpResponse, target: str | None = None) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie", FRAGMENT_HEADER])
    if target:
        response["X-Comments-Target"] = target
    return response


def _thread_url(page_id: int, *, comment_id: int | None = None, sort: str = "") -> str:
    url = reverse("comments:thread", args=[page_id])
    if sort and sort != "oldest":
        url += "?" + urlencode({"sort": sort})
    return url + (f"#c{comment_id}" if comment_id else "#comments")


def _thread_answer(
    request: HttpRequest, page_id: int, *, status: int = 200, form=None, error: str = "",
    notice: str = "",
) -> HttpResponse:  # fmt: skip
    """The thread, whole page or fragment, with the main form's state."""
    sort = request.GET.get("sort") or request.POST.get("sort") or ""
    view = thread_view(
        page_id=page_id, user=request.user, sort=sort, page_number=request.GET.get("page")
    )
    if view is None:
        raise Http404("There is no discussion here.")
    context = {
        "thread": view,
        "sorts": SORT_LABELS,
        "form": form,
        "error": error,
        "notice": notice,
        "signin_url": "/accounts/login/?"
        + urlencode({"next": view.status.target.url + "#comments"}),
    }
    template = "comments/thread.html" if _fragment(request) else "comments/thread_page.html"
    return _private(render(request, template, context, status=status), "thread")


def _done(request: HttpRequest, page_id: int, notice: str, *, comment_id=None) -> HttpResponse:
    """After a successful action: the fresh thread (JavaScript) or a redirect to it."""
    if _fragment(request):
        return _thread_answer(request, page_id, notice=notice)
    if notice:
        messages.success(request, notice)
    sort = request.POST.get("sort", "")
    return _private(HttpResponseRedirect(_thread_url(page_id, comment_id=comment_id, sort=sort)))


def _form_answer(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """A form of its own (reply, edit, delete, report): inline fragment or whole page."""
    context["fragment"] = _fragment(request)
    return _private(render(request, template, context, status=status), "form")


def _needs_signin(request: HttpRequest, page_id: int) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    if _fragment(request):
        return _thread_answer(request, page_id, status=403, error="Sign in to join the discussion.")
    login = "/accounts/login/?" + urlencode({"next": _thread_url(page_id)})
    return HttpResponseRedirect(login)


def refusals_answered(view):
    """Domain refusals to HTTP, in one place: 404 for what does not exist, else
    the message in a page (or fragment) with the refusal's status."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CommentError as refused:
            if refused.status == 404:
                raise Http404(refused.message) from None
            context = {"error": refused.message, "back_url": request.headers.get("Referer", "")}
            return _form_answer(request, "comments/refused.html", context, status=refused.status)

    return wrapper


def _comment_or_404(comment_id: int) -> Comment:
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None:
        raise Http404("That comment does not exist.")
    return comment


def _on_a_comment(view):
    """For a reader's action on one comment: the view gets the comment (404 if
    there is none) and runs only for a signed-in reader (else the sign-in answer)."""

    @wraps(view)
    def wrapper(request: HttpRequest, comment_id: int) -> HttpResponse:
        comment = _comment_or_404(comment_id)
        if (answer := _needs_signin(request, comment.page_id)) is not None:
            return answer
        return view(request, comment)

    return wrapper


# --- reading ---------------------------------------------------------------------------


@require_GET
def thread(request: HttpRequest, page_id: int) -> HttpResponse:
    return _thread_answer(request, page_id)


@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """Counts and states for the threads on a cached page: ``?pages=12,15``."""
    try:
        ids = [int(part) for part in request.GET.get("pages", "").split(",") if part.strip()]
    except ValueError:
        return JsonResponse({"error": "pages must be page ids, e.g. ?pages=12,15"}, status=400)
    if not ids or len(ids) > MAX_COUNT_PAGES or any(i <= 0 or i > 2**62 for i in ids):
        return JsonResponse({"error": f"give 1 to {MAX_COUNT_PAGES} page ids"}, status=400)
    summaries = thread_summaries(sorted(set(ids)))
    response = JsonResponse({str(k): v for k, v in summaries.items()})
    # Shared by every reader and cheap to ask again: a short browser cache only.
    response["Cache-Control"] = "public, max-age=15"
    return response


# --- posting ----------------------------------------------------------------------------


@require_POST
@refusals_answered
def post(request: HttpRequest, page_id: int) -> HttpResponse:
    if (answer := _needs_signin(request, page_id)) is not None:
        return answer
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _post_refused(request, page_id, form, status=400, message="Please check the form.")
    if notice := comment_limit_message(request):
        return _post_refused(request, page_id, form, status=429, message=notice)
    data = form.cleaned_data
    try:
        comment = services.comment_post(
            user=request.user,
            page_id=page_id,
            text=data["body"],
            parent_id=data["parent"],
            display_name=data["display_name"],
            notify_replies=data["notify_replies"],
            ip=client_ip(request) if "/" not in client_ip(request) else None,
        )
    except CommentError as refused:
        if refused.status == 404:
            raise Http404(refused.message) from None
        return _post_refused(request, page_id, form, status=refused.status, message=refused.message)
    notice = "Your comment is published."
    if comment.status == Comment.Status.PENDING:
        notice = "Thank you. Your comment will appear once a moderator has read it."
    return _done(request, page_id, notice, comment_id=comment.pk)


@require_GET
@refusals_answered
@_on_a_comment
def reply(request: HttpRequest, comment: Comment) -> HttpResponse:
    context = {"comment": comment, "form": CommentForm(initial={"parent": comment.pk})}
    context.update(_reader_form_context(request, comment.page_id), form_id=f"reply-{comment.pk}")
    return _form_answer(request, "comments/reply.html", context)


def _post_refused(request, page_id: int, form, *, status: int, message: str) -> HttpResponse:
    """A refused post: the reply form again in place (JavaScript), else the thread page."""
    parent_id = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    comment = Comment.objects.filter(pk=parent_id, page_id=page_id).first() if parent_id else None
    if comment is not None and _fragment(request):
        context = {"comment": comment, "form": form, "error": message}
        context.update(_reader_form_context(request, page_id), form_id=f"reply-{comment.pk}")
        return _form_answer(request, "comments/reply.html", context, status=status)
    return _thread_answer(request, page_id, status=status, form=form, error=message)


def _reader_form_context(request, page_id: int) -> dict:
    commenter = services.commenter_of(request.user)
    status = services.thread_status(page_id=page_id)
    if status is None:
        raise Http404("There is no discussion here.")
    return {"commenter": commenter, "status": status, "settings": CommentSettings.load()}


# --- changing one's own -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@refusals_answered
@_on_a_comment
def edit(request: HttpRequest, comment: Comment) -> HttpResponse:
    context = {"comment": comment, **_reader_form_context(request, comment.page_id)}
    if request.method == "GET":
        if comment.author is None or comment.author.user_id != request.user.pk:
            raise services.CommentForbidden("You can only change your own comments.")
        context["form"] = EditForm(initial={"body": comment.body})
        return _form_answer(request, "comments/edit.html", context)
    form = EditForm(request.POST)
    form.is_valid()
    try:
        services.comment_edit(
            user=request.user, comment_id=comment.pk, text=form.cleaned_data.get("body", "")
        )
    except CommentError as refused:
        context.update(form=form, error=refused.message)
        return _form_answer(request, "comments/edit.html", context, status=refused.status)
    return _done(request, comment.page_id, "Your comment is updated.", comment_id=comment.pk)


@require_http_methods(["GET", "POST"])
@refusals_answered
@_on_a_comment
def delete(request: HttpRequest, comment: Comment) -> HttpResponse:
    if request.method == "GET":
        if comment.author is None or comment.author.user_id != request.user.pk:
            raise services.CommentForbidden("You can only change your own comments.")
        return _form_answer(request, "comments/delete.html", {"comment": comment})
    services.comment_delete(user=request.user, comment_id=comment.pk)
    return _done(request, comment.page_id, "Your comment is deleted.", comment_id=comment.pk)


# --- others' comments -------------------------------------------------------------------


@require_POST
@refusals_answered
@_on_a_comment
def like(request: HttpRequest, comment: Comment) -> HttpResponse:
    services.comment_like(
        user=request.user, comment_id=comment.pk, like=request.POST.get("like", "1") != "0"
    )
    return _done(request, comment.page_id, "", comment_id=comment.pk)


@require_http_methods(["GET", "POST"])
@refusals_answered
@_on_a_comment
def report(request: HttpRequest, comment: Comment) -> HttpResponse:
    if request.method == "GET":
        return _form_answer(
            request, "comments/report.html", {"comment": comment, "form": ReportForm()}
        )
    form = ReportForm(request.POST)
    context = {"comment": comment, "form": form}
    if not form.is_valid():
        context["error"] = "Choose why you are reporting this comment."
        return _form_answer(request, "comments/report.html", context, status=400)
    if notice := comment_limit_message(request):
        context["error"] = notice
        return _form_answer(request, "comments/report.html", context, status=429)
    try:
        services.comment_report(
            user=request.user,
            comment_id=comment.pk,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except CommentError as refused:
        context["error"] = refused.message
        return _form_answer(request, "comments/report.html", context, status=refused.status)
    notice = "Thank you for your report. A moderator will look at the comment."
    return _done(request, comment.page_id, notice, comment_id=comment.pk)


# --- reply emails ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def replies_off(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed "stop these emails" link: a page with a button (a GET changes nothing,
    so mail scanners that follow links do not unsubscribe anyone)."""
    if request.method == "GET":
        return _private(render(request, "comments/replies_off.html", {"done": False}))
    done = notifications.replies_off(token=token)
    status = 200 if done else 400
    return _private(
        render(request, "comments/replies_off.html", {"done": done, "bad": not done}, status=status)
    )
