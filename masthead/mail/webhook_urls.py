from django.urls import path

from . import webhooks

app_name = "mail_webhooks"

urlpatterns = [
    path("<slug:provider>/tracking/", webhooks.tracking_webhook, name="tracking"),
]
