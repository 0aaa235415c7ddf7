from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("videos/", views.video_list, name="videos"),
    path("videos/<slug:slug>/", views.video_detail, name="video"),
]
