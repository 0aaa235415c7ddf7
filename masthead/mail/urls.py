from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("", views.mailbox, name="mailbox"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/html/", views.message_html, name="message_html"),
]
