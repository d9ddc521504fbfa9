"""Triggers that keep the figure aggregates fresh, and every existing month marked for a
rebuild (the first report of each month builds it from raw rows)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from reporting import triggers

    triggers.install(schema_editor.connection)
    triggers.mark_all_months(schema_editor.connection)


def backwards(apps, schema_editor):
    from reporting import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0012_grants_and_staff_votes"),
        ("missions", "0011_self_reported_hours_and_proposals"),
        ("reporting", "0006_figure_aggregates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
