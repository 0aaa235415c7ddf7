from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in-link/", views.signin_link_request, name="signin_link_request"),
    path("sign-in-link/<str:token>/", views.signin_link, name="signin_link"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("goodbye/", views.goodbye, name="goodbye"),
]
