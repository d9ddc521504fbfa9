"""Indexes for the two expressions of Wagtail's PostgreSQL search over missions.

Wagtail's database backend matches `(title || body) @@ query`; its own GIN indexes are on
`title` and `body` separately, which that expression cannot use, so every search read the
whole index table (about 30 ms at 10k missions). The first index serves the expression itself.
The backend joins its entries to the missions on `page_ptr_id::varchar(50) = object_id`; without
an index on that cast, a search with filters ordered by relevance compared each entry with every
mission (150 ms at 10k missions). PostgreSQL only: SQLite's backend uses its own FTS5 table.
"""

from django.db import migrations

INDEXES = {
    "cordee_search_title_body_gin": "wagtailsearch_indexentry USING gin ((title || body))",
    "cordee_mission_id_as_text": "missions_missionpage (((page_ptr_id::varchar(50))::text))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0011_self_reported_hours_and_proposals"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
