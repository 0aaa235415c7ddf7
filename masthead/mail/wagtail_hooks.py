"""Suppressions in the admin: listed with their reason, added by hand, lifted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Suppression


class LiftSuppressionView(DeleteView):
    """Lifting is deleting the suppression: the address gets bulk email again."""

    page_title = _("Lift suppression")
    success_message = _("Suppression of '%(object)s' lifted: it will receive bulk email again.")

    @property
    def confirmation_message(self):
        return _("Lift the suppression of %(address)s? Bulk email will go to it again.") % {
            "address": self.object.address
        }


class SuppressionViewSet(ModelViewSet):
    model = Suppression
    icon = "mail"
    menu_label = _("Suppressions")
    add_to_admin_menu = True
    menu_order = 800
    list_display = ["address", "reason", "detail", "created_at"]
    list_filter = ["reason"]
    search_fields = ["address"]
    form_fields = ["address", "reason", "detail"]
    delete_view_class = LiftSuppressionView


@hooks.register("register_admin_viewset")
def register_suppressions():
    return SuppressionViewSet("suppressions")
