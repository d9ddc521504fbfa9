"""Hours per mission and bucket (the top missions read them), and every month marked for a
rebuild: buckets built before this column hold no hours per mission."""

from django.db import migrations, models


def mark_all(apps, schema_editor):
    from reporting import triggers

    triggers.mark_all_months(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_figure_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="missionfigures",
            name="centihours",
            field=models.BigIntegerField(
                default=0, help_text="Attended hours.", verbose_name="hours (hundredths)"
            ),
        ),
        migrations.RunPython(mark_all, migrations.RunPython.noop),
    ]
