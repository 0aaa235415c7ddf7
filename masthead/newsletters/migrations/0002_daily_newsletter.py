from django.db import migrations


def create_daily(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.get_or_create(
        slug="daily",
        defaults={
            "name": "The Daily Briefing",
            "description": "The day's most important stories, in your inbox every morning.",
            "is_default": True,
        },
    )


def remove_daily(apps, schema_editor):
    apps.get_model("newsletters", "Newsletter").objects.filter(slug="daily").delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_initial")]

    operations = [migrations.RunPython(create_daily, remove_daily)]
