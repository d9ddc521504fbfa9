"""Database triggers that mark a company's month stale when its gifts, matches or attended
enrolments change, whatever writes them (ORM saves, bulk updates, the set-based payroll SQL,
COPY). The impact figures read aggregates (reporting/aggregates.py) and rebuild a bucket from
raw rows when its month's version moved since it was built.

A trigger bumps `reporting_figuremonth.version` for the month of the instant shifted by -14 h
and by +14 h: SQLite cannot read the company's time zone, and every zone's local month is one of
those two.

A month row is only written for a company that exists; the month table has no foreign-key
constraint (see FigureMonth), so rows deleted in any order (a flush, a raw clean-up) never fail a
transaction on a month row the trigger wrote meanwhile.
"""

# ruff: noqa: S608 - every name in these statements is a fixed table or column name

from __future__ import annotations

MONTH_TABLE = "reporting_figuremonth"

# For each watched table: the SELECT giving (company_id, at) of the rows of `{t}` (a transition
# table on PostgreSQL), and the SQLite row-trigger equivalent with NEW/OLD.
PG_SOURCES = {
    "donations_donation": "SELECT r.company_id, r.occurred_at AS at FROM {t} r",
    "donations_match": (
        "SELECT d.company_id, d.occurred_at AS at FROM {t} r"
        " JOIN donations_donation d ON d.id = r.donation_id"
    ),
    "missions_enrolment": (
        "SELECT p.company_id, s.start AS at FROM {t} r"
        " JOIN portal_employeeprofile p ON p.id = r.employee_id"
        " JOIN missions_missionsession s ON s.id = r.session_id"
        " WHERE r.status = 'attended'"
    ),
}

PG_UPSERT = f"""
    INSERT INTO {MONTH_TABLE} (company_id, month, version)
    SELECT DISTINCT c.company_id,
           date_trunc('month', (c.at AT TIME ZONE 'UTC') + s.shift)::date, 1
    FROM ({{source}}) c
    JOIN portal_company co ON co.id = c.company_id
    CROSS JOIN (VALUES (interval '-14 hours'), (interval '14 hours')) AS s(shift)
    ON CONFLICT (company_id, month) DO UPDATE SET version = {MONTH_TABLE}.version + 1;
"""

# A session moved to another day moves its attended enrolments' hours to another month.
PG_SESSION_SOURCE = (
    "SELECT p.company_id, x.at FROM ("
    " SELECT o.id, o.start AS at FROM old_rows o JOIN new_rows n ON n.id = o.id"
    " WHERE n.start <> o.start"
    " UNION SELECT n.id, n.start FROM old_rows o JOIN new_rows n ON n.id = o.id"
    " WHERE n.start <> o.start) x"
    " JOIN missions_enrolment e ON e.session_id = x.id AND e.status = 'attended'"
    " JOIN portal_employeeprofile p ON p.id = e.employee_id"
)


def _pg_statements() -> list[str]:
    out = []
    for table, source in PG_SOURCES.items():
        for event, body in (
            ("insert", source.format(t="new_rows")),
            ("delete", source.format(t="old_rows")),
            (
                "update",
                f"{source.format(t='old_rows')} UNION ALL {source.format(t='new_rows')}",
            ),
        ):
            name = f"reporting_touch_{table}_{event}"
            referencing = {
                "insert": "NEW TABLE AS new_rows",
                "delete": "OLD TABLE AS old_rows",
                "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            }[event]
            out.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {PG_UPSERT.format(source=body)} RETURN NULL; END $$;"
            )
            out.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            out.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table}"
                f" REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    name = "reporting_touch_missions_missionsession_update"
    out.append(
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {PG_UPSERT.format(source=PG_SESSION_SOURCE)} RETURN NULL; END $$;"
    )
    out.append(f"DROP TRIGGER IF EXISTS {name} ON missions_missionsession;")
    out.append(
        f"CREATE TRIGGER {name} AFTER UPDATE ON missions_missionsession"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
    )
    return out


def _sqlite_upsert(select: str) -> str:
    """One INSERT ... SELECT per shift (a WHERE is needed anyway: it keeps SQLite's upsert parse
    unambiguous)."""
    return "".join(
        f" INSERT INTO {MONTH_TABLE} (company_id, month, version)"
        f" SELECT DISTINCT company_id, date(at, '{shift}', 'start of month'), 1"
        f" FROM ({select}) WHERE company_id IN (SELECT id FROM portal_company)"
        f" ON CONFLICT (company_id, month) DO UPDATE SET version = version + 1;"
        for shift in ("-14 hours", "+14 hours")
    )


SQLITE_SOURCES = {
    "donations_donation": ("SELECT {r}.company_id AS company_id, {r}.occurred_at AS at", None),
    "donations_match": (
        "SELECT d.company_id AS company_id, d.occurred_at AS at FROM donations_donation d"
        " WHERE d.id = {r}.donation_id",
        None,
    ),
    "missions_enrolment": (
        "SELECT p.company_id AS company_id, s.start AS at"
        " FROM portal_employeeprofile p, missions_missionsession s"
        " WHERE p.id = {r}.employee_id AND s.id = {r}.session_id",
        "{r}.status = 'attended'",
    ),
}


def _sqlite_statements() -> list[str]:
    out = []
    for table, (source, condition) in SQLITE_SOURCES.items():
        for event, rows in (("insert", ("NEW",)), ("delete", ("OLD",)), ("update", ("OLD", "NEW"))):
            name = f"reporting_touch_{table}_{event}"
            body = ""
            for r in rows:
                select = source.format(r=r)
                if condition:
                    select = (
                        f"{select} AND {condition.format(r=r)}"
                        if " WHERE " in select
                        else f"{select} WHERE {condition.format(r=r)}"
                    )
                body += _sqlite_upsert(select)
            out.append(f"DROP TRIGGER IF EXISTS {name};")
            out.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW"
                f" BEGIN{body} END;"
            )
    name = "reporting_touch_missions_missionsession_update"
    body = "".join(
        _sqlite_upsert(
            f"SELECT p.company_id AS company_id, {r}.start AS at FROM missions_enrolment e"
            " JOIN portal_employeeprofile p ON p.id = e.employee_id"
            f" WHERE e.session_id = {r}.id AND e.status = 'attended'"
        )
        for r in ("OLD", "NEW")
    )
    out.append(f"DROP TRIGGER IF EXISTS {name};")
    out.append(
        f"CREATE TRIGGER {name} AFTER UPDATE OF start ON missions_missionsession FOR EACH ROW"
        f" WHEN OLD.start <> NEW.start BEGIN{body} END;"
    )
    return out


def _drop_statements(vendor: str) -> list[str]:
    names = [
        (f"reporting_touch_{table}_{event}", table)
        for table in PG_SOURCES
        for event in ("insert", "delete", "update")
    ] + [("reporting_touch_missions_missionsession_update", "missions_missionsession")]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {n} ON {t}; DROP FUNCTION IF EXISTS {n}();" for n, t in names
        ]
    return [f"DROP TRIGGER IF EXISTS {n};" for n, _t in names]


def install(connection) -> None:
    statements = _pg_statements() if connection.vendor == "postgresql" else _sqlite_statements()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _drop_statements(connection.vendor):
            cursor.execute(statement)


def mark_all_months(connection) -> None:
    """Bump every month that holds gifts or attended enrolments (after a deployment, or to force
    a rebuild): the next report rebuilds them from raw rows."""
    if connection.vendor == "postgresql":
        sources = [
            "SELECT company_id, occurred_at AS at FROM donations_donation",
            PG_SOURCES["missions_enrolment"].format(t="missions_enrolment"),
        ]
        statements = [PG_UPSERT.format(source=source) for source in sources]
    else:
        sources = [
            "SELECT company_id, occurred_at AS at FROM donations_donation",
            "SELECT p.company_id AS company_id, s.start AS at FROM missions_enrolment r"
            " JOIN portal_employeeprofile p ON p.id = r.employee_id"
            " JOIN missions_missionsession s ON s.id = r.session_id"
            " WHERE r.status = 'attended'",
        ]
        statements = [_sqlite_upsert(source) for source in sources]
    with connection.cursor() as cursor:
        for statement in statements:
            for part in statement.split(";"):
                if part.strip():
                    cursor.execute(part)
