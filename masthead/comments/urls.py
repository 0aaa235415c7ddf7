from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("counts/", views.counts, name="counts"),
    path("<int:page_id>/", views.thread, name="thread"),
    path("<int:page_id>/post/", views.post, name="post"),
    path("c/<int:comment_id>/reply/", views.reply, name="reply"),
    path("c/<int:comment_id>/edit/", views.edit, name="edit"),
    path("c/<int:comment_id>/delete/", views.delete, name="delete"),
    path("c/<int:comment_id>/like/", views.like, name="like"),
    path("c/<int:comment_id>/report/", views.report, name="report"),
    path("replies-off/<str:token>/", views.replies_off, name="replies_off"),
]
