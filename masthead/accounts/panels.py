"""Panels of the account page that other apps fill: a registry.

``accounts`` sits below the apps that keep a reader's things (their comments,
for one), so it never imports them. An app that has something to show on
the account page registers a panel in its own ``account_panels.py`` (found
automatically on the first account page)::

    from masthead.accounts.panels import account_panel

    @account_panel("comments/account_comments.html", order=40)
    def comments(request):
        return {"comments": ...}

The function gets the request (the signed-in reader is ``request.user``; a
panel may read its own query parameters) and returns the template's context.
The account page is personal (``private, no-store``), so a panel may show
anything of the reader's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import autodiscover_modules

PanelContext = Callable[[HttpRequest], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    order: int


@dataclass(frozen=True)
class FilledPanel:
    template: str
    context: dict[str, Any]


PANELS: dict[str, Panel] = {}
_discovered = False


def account_panel(template: str, *, order: int) -> Callable[[PanelContext], PanelContext]:
    """Register ``template``, filled by the decorated function, at ``order`` (low first)."""

    def register(function: PanelContext) -> PanelContext:
        PANELS[template] = Panel(template, function, order)
        return function

    return register


def discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("account_panels")
        _discovered = True


def account_panels(request: HttpRequest) -> list[FilledPanel]:
    """Every registered panel with its context for this reader, in order."""
    discover()
    ordered = sorted(PANELS.values(), key=lambda panel: (panel.order, panel.template))
    return [FilledPanel(panel.template, panel.context(request)) for panel in ordered]
