"""Deliveries keep the indexes their queries use: key (unique), LOWER(to), due."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_delivery_to_case_insensitive_index"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(fields=("key",), name="mail_delivery_key_unique"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="key",
            field=models.CharField(
                help_text="Idempotency key: the same key never produces a second email.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="to",
            field=models.EmailField(max_length=254),
        ),
    ]
