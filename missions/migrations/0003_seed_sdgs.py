"""Seed the 17 UN Sustainable Development Goals."""

from django.db import migrations

SDGS = [
    (1, "No poverty"),
    (2, "Zero hunger"),
    (3, "Good health and well-being"),
    (4, "Quality education"),
    (5, "Gender equality"),
    (6, "Clean water and sanitation"),
    (7, "Affordable and clean energy"),
    (8, "Decent work and economic growth"),
    (9, "Industry, innovation and infrastructure"),
    (10, "Reduced inequalities"),
    (11, "Sustainable cities and communities"),
    (12, "Responsible consumption and production"),
    (13, "Climate action"),
    (14, "Life below water"),
    (15, "Life on land"),
    (16, "Peace, justice and strong institutions"),
    (17, "Partnerships for the goals"),
]


def seed(apps, schema_editor):
    goal = apps.get_model("missions", "SustainableDevelopmentGoal")
    for number, name in SDGS:
        goal.objects.update_or_create(number=number, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("missions", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
