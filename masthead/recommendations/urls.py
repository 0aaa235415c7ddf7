from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("your-three/", views.your_three_page, name="your-three"),
    path("your-three/fragment/", views.your_three_fragment, name="your-three-fragment"),
]
