"""The month table loses its foreign-key constraint (a trigger may write a month row while a
company's rows are being deleted in any order), and the triggers are reinstalled: they now write
a month row only for a company that exists. SQLite rebuilds the table: the triggers that name it
are dropped first."""

import django.db.models.deletion
from django.db import migrations, models


def uninstall(apps, schema_editor):
    from reporting import triggers

    triggers.uninstall(schema_editor.connection)


def install(apps, schema_editor):
    from reporting import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0018_privacy_audit_accounts"),
        ("reporting", "0008_mission_figures_hours"),
    ]

    operations = [
        migrations.RunPython(uninstall, install),
        migrations.AlterField(
            model_name="figuremonth",
            name="company",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="portal.company",
                verbose_name="company",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
