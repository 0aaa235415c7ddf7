from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/", views.toggle, name="toggle"),
    path("<slug:slug>/editions/<int:pk>/", views.edition, name="edition"),
]
