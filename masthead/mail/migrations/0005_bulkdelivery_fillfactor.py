"""Room in each page of mail_bulkdelivery (PostgreSQL), so that recording a
delivery sent (status, sent_at, attempts: no indexed column) is a HOT update
that touches no index: one per message of every bulk send."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE mail_bulkdelivery SET (fillfactor = 70)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE mail_bulkdelivery RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("mail", "0004_bulk_sending")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
