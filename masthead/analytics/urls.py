from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("most-read/", views.most_read_page, name="most-read"),
    path("most-read/fragment/", views.most_read_fragment, name="most-read-fragment"),
]
