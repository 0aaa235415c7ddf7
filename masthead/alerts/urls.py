from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("follow/", views.follow, name="follow"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("stop/<str:token>/", views.stop, name="stop"),
    path("account/", views.toggle, name="toggle"),
]
