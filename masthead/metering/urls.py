from django.urls import path

from . import views

app_name = "metering"

urlpatterns = [
    path("wall/", views.wall, name="wall"),
    path("wall/sent/", views.wall_sent, name="wall_sent"),
    path("welcome/resend/", views.welcome_resend, name="welcome_resend"),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
]
