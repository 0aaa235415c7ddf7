from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "masthead.recommendations"
    label = "recommendations"
    verbose_name = "Recommendations"
