"""The newsroom dashboard in the Wagtail admin (menu item and URLs)."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def _dashboard_urls():
    return [
        path("newsroom/", admin_views.dashboard, name="newsroom_dashboard"),
        path("newsroom/data/<slug:slug>/", admin_views.chart_data, name="newsroom_chart"),
    ]


@hooks.register("register_admin_menu_item")
def _dashboard_menu_item():
    return MenuItem(
        "Newsroom dashboard", reverse("newsroom_dashboard"), icon_name="view", order=150
    )
