"""The large data set: 10,000 missions, 50,000 employees, their sessions and enrolments.

Pages are inserted in bulk: Wagtail's `add_child` saves one page at a time (about 40 ms each
on SQLite, with search and reference indexing), which would take minutes at this size. Here the
treebeard `path`/`depth` are computed, the `wagtailcore_page` rows bulk-inserted, then the
subclass rows (`missions_missionpage`, ...) inserted with the same ids, and the search index
written in batches at the end. Everything is made in one transaction: either the whole data set
exists or none of it does, and a later run reuses it.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from missions.demo import catalogue as demo
from missions.models import (
    AssociationIndexPage,
    AssociationPage,
    Cause,
    Enrolment,
    EnrolmentStatus,
    MissionIndexPage,
    MissionKind,
    MissionPage,
    MissionSession,
)
from missions.services.catalogue import ensure_site_tree
from portal.demo.people import SME, DemoCompany, ensure_company, ensure_company_people
from portal.models import Company, EmployeeProfile

SEED = 4242
BARE_SLUG = "association-temoin"  # a page with no missions: the bare Wagtail page measured


@dataclass(frozen=True)
class Size:
    missions: int
    employees: int
    associations: int
    companies: int

    @classmethod
    def from_env(cls) -> Size:
        return cls(
            missions=int(os.environ.get("BENCH_MISSIONS", 10_000)),
            employees=int(os.environ.get("BENCH_EMPLOYEES", 50_000)),
            associations=int(os.environ.get("BENCH_ASSOCIATIONS", 400)),
            companies=int(os.environ.get("BENCH_COMPANIES", 5)),
        )


def bench_email(company_number: int) -> str:
    """The employee the benchmark signs in as."""
    return f"employee@bench-{company_number}.example"


def ensure_dataset(size: Size | None = None) -> dict[str, int]:
    """Generate the data set unless it is already there; returns its row counts."""
    size = size or Size.from_env()
    ensure_site_tree()
    if Company.objects.filter(slug="bench-1").exists():
        counts = dataset_counts()
        if counts["missions"] < size.missions or counts["employees"] < size.employees:
            print(
                f"[bench] the bench database holds a smaller data set ({counts}); "
                "delete it (var/bench.sqlite3 or DROP DATABASE) to regenerate at this size."
            )
        else:
            print("[bench] reusing the generated data set")
        analyze()
        return counts
    started = time.perf_counter()
    with transaction.atomic():
        _generate(size)
    print(f"[bench] generated the data set in {time.perf_counter() - started:.0f} s")
    analyze()
    return dataset_counts()


def analyze() -> None:
    """Refresh the planner's statistics (a few seconds).

    Right after a bulk load PostgreSQL has none and plans nested loops on "1 row" estimates:
    the search + filters page took 28 s before ANALYZE on the 10k data set.
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"[bench] analyzed the tables in {time.perf_counter() - started:.0f} s")


def dataset_counts() -> dict[str, int]:
    return {
        "missions": MissionPage.objects.count(),
        "open missions": MissionPage.objects.filter(visibility="all").count(),
        "associations": AssociationPage.objects.count(),
        "employees": EmployeeProfile.objects.count(),
        "companies": Company.objects.count(),
        "sessions": MissionSession.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }


def _step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"[bench]   {label}: {now - started:.1f} s")
    return now


def _generate(size: Size) -> None:
    rng = random.Random(SEED)
    t = time.perf_counter()
    causes = list(demo.ensure_causes().values())
    skills = list(demo.ensure_skills().values())
    companies = [ensure_company(bench_company(i)) for i in range(1, size.companies + 1)]
    t = _step("companies", t)
    employees = _make_employees(companies, size.employees)
    t = _step(f"{size.employees} employees", t)
    associations = _make_associations(rng, size.associations, causes)
    t = _step(f"{size.associations} associations", t)
    missions = _make_missions(rng, size.missions, associations, companies, causes, skills)
    t = _step(f"{size.missions} missions", t)
    sessions = _make_sessions(rng, missions)
    t = _step(f"{len(sessions)} sessions", t)
    n = _make_enrolments(rng, sessions, missions, employees)
    t = _step(f"{n} enrolments", t)
    _index(AssociationPage, [a.pk for a in associations])
    _index(MissionPage, [m.pk for m in missions])
    t = _step("search index", t)
    # The bare page: an association page, same base template, nothing listed on it.
    index = AssociationIndexPage.objects.get()
    index.add_child(
        instance=AssociationPage(
            title="Association témoin",
            slug=BARE_SLUG,
            legal_name="Association témoin",
            identifier_kind="rna",
            # Apart from the generated ones (W1000…) and the test factories' (W0000…), which
            # the enrolment bench uses in the same database.
            identifier="W999999999",
            vetting_status="approved",
        )
    )


def bench_company(number: int) -> DemoCompany:
    """The demo SME's shape (sites, departments, personae) under a bench name and domain."""
    return dataclasses.replace(
        SME,
        name=f"Bench Company {number}",
        slug=f"bench-{number}",
        domain=f"bench-{number}.example",
        prefix=f"B{number}",
        fields={},
    )


def _make_employees(companies: list[Company], total: int) -> dict[int, list[int]]:
    """Profiles per company, made by the demo's people builder (teams under managers, one
    account per role, the demo employee being the one the benchmark signs in as).

    Returns profile ids by company.
    """
    per_company = max(total // len(companies), 2)
    result = {}
    for number, company in enumerate(companies, start=1):
        ensure_company_people(bench_company(number), headcount=per_company)
        result[company.pk] = list(
            EmployeeProfile.objects.filter(company=company)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return result


def bulk_add_children(parent: Page, pages: list[Page]) -> None:
    """Append `pages` (all of one model) under `parent`, as add_child would, in bulk."""
    model = type(pages[0])
    content_type = ContentType.objects.get_for_model(model)
    parent = Page.objects.get(pk=parent.pk)
    last = parent.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    now = timezone.now()
    depth = parent.depth + 1
    for offset, page in enumerate(pages):
        page.depth = depth
        page.path = Page._get_path(parent.path, depth, step + offset)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.last_published_at = now
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in pages],
        batch_size=1000,
    )
    for page, row in zip(pages, rows, strict=True):
        page.id = page.page_ptr_id = row.id
    # Django refuses bulk_create on multi-table inheritance; its own save() inserts the child
    # row with _insert, which takes many rows at once.
    fields = model._meta.local_concrete_fields
    batch = max(connection.ops.bulk_batch_size(fields, pages), 1)
    for i in range(0, len(pages), batch):
        model._base_manager._insert(pages[i : i + batch], fields=fields)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))


def _make_associations(rng, count: int, causes: list[Cause]) -> list[AssociationPage]:
    cities = list(demo.CITIES)
    pages = []
    for i in range(count):
        name, city, _c, summary = demo.ASSOCIATIONS[i % len(demo.ASSOCIATIONS)]
        city = rng.choice(cities)
        pages.append(
            AssociationPage(
                title=f"{name} {city} {i}",
                slug=f"{slugify(name)}-{i}",
                legal_name=f"{name} {city}",
                identifier_kind="rna",
                identifier=f"W{i + 100_000_000:09d}",
                summary=summary,
                description=f"<p>{escape(summary)}</p>",
                city=city,
                postcode=demo.CITIES[city][0],
                vetting_status="approved",
                tax_receipt_eligible=True,
            )
        )
    bulk_add_children(AssociationIndexPage.objects.get(), pages)
    through = AssociationPage.causes.through
    through.objects.bulk_create(
        [
            through(associationpage_id=a.pk, cause_id=c.pk)
            for a in pages
            for c in rng.sample(causes, k=rng.randint(1, 2))
        ],
        batch_size=5000,
    )
    return pages


def _make_missions(rng, count, associations, companies, causes, skills) -> list[MissionPage]:
    templates = [t for ts in demo.TEMPLATES.values() for t in ts]
    cities = list(demo.CITIES)
    index = MissionIndexPage.objects.get()
    by_parent: dict[int, list[MissionPage]] = {}
    parents = {index.pk: index}
    for company in companies:
        parents[company.mission_section.pk] = company.mission_section
    for i in range(count):
        kind, title, summary, _skills, may_be_remote = rng.choice(templates)
        company = None if i % 10 < 6 else companies[i % len(companies)]
        remote = may_be_remote and rng.random() < 0.4
        city = "" if remote else rng.choice(cities)
        mission = MissionPage(
            title=f"{title} #{i}",
            slug=f"{slugify(title)[:60]}-{i}",
            association=associations[i % len(associations)],
            kind=kind,
            summary=summary,
            description=f"<p>{escape(summary)}</p>",
            is_remote=remote,
            city=city,
            postcode="" if remote else demo.CITIES[city][0],
            on_work_time=kind != MissionKind.VOLUNTEERING,
            needs_approval=kind in (MissionKind.SKILLS_SPONSORSHIP, MissionKind.SOLIDARITY_LEAVE),
            company=company,
            visibility="all" if company is None or rng.random() < 0.15 else "company",
        )
        parent = company.mission_section if company else index
        by_parent.setdefault(parent.pk, []).append(mission)
    missions = []
    for parent_pk, pages in by_parent.items():
        bulk_add_children(parents[parent_pk], pages)
        missions += pages
    causes_through, skills_through = MissionPage.causes.through, MissionPage.skills.through
    causes_through.objects.bulk_create(
        [
            causes_through(missionpage_id=m.pk, cause_id=c.pk)
            for m in missions
            for c in rng.sample(causes, k=rng.randint(1, 2))
        ],
        batch_size=5000,
    )
    skills_through.objects.bulk_create(
        [
            skills_through(missionpage_id=m.pk, skill_id=s.pk)
            for m in missions
            for s in rng.sample(skills, k=rng.randint(0, 3))
        ],
        batch_size=5000,
    )
    return missions


def _make_sessions(rng, missions: list[MissionPage]) -> list[MissionSession]:
    today = timezone.localdate()
    plans = {m.pk: m for m in missions}
    sessions = []
    for mission in plans.values():
        plan = demo.MissionPlan(
            slug=mission.slug,
            title=mission.title,
            kind=mission.kind,
            summary="",
            association_slug="",
            causes=(),
            skills=(),
            is_remote=mission.is_remote,
            city=mission.city,
            company_slug=None,
            visibility=mission.visibility,
        )
        for order, (start, end, seats) in enumerate(demo.plan_sessions(plan, rng, today)):
            sessions.append(
                MissionSession(
                    mission_id=mission.pk, start=start, end=end, seats=seats, sort_order=order
                )
            )
    return MissionSession.objects.bulk_create(sessions, batch_size=5000)


def _make_enrolments(rng, sessions, missions, employees: dict[int, list[int]]) -> int:
    """Fill upcoming sessions to between 0 and 100 % of their seats with confirmed enrolments."""
    companies_of = {m.pk: m.company_id for m in missions}
    everyone = [pk for ids in employees.values() for pk in ids]
    now = timezone.now()
    rows = []
    for session in sessions:
        if session.start < now:
            continue
        taken = rng.randint(0, session.seats)
        company = companies_of[session.mission_id]
        pool = employees[company] if company else everyone
        rows += [
            Enrolment(employee_id=pk, session_id=session.pk, status=EnrolmentStatus.CONFIRMED)
            for pk in rng.sample(pool, k=min(taken, len(pool)))
        ]
    Enrolment.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _index(model, ids: list[int], chunk: int = 500) -> None:
    backends = list(get_search_backends(with_auto_update=True))
    started = time.perf_counter()
    for i in range(0, len(ids), chunk):
        if i and i % (chunk * 10) == 0:
            print(
                f"[bench]     indexed {i} {model.__name__} in {time.perf_counter() - started:.0f} s"
            )
        objects = list(
            model.get_indexed_objects()
            .filter(pk__in=ids[i : i + chunk])
            .prefetch_related(*_parental_m2m(model))
        )
        for backend in backends:
            backend.add_bulk(model, objects)


def _parental_m2m(model) -> list[str]:
    """Wagtail's indexing does not prefetch parental many-to-many fields: one query per row."""
    from modelcluster.fields import ParentalManyToManyField

    return [f.name for f in model._meta.get_fields() if isinstance(f, ParentalManyToManyField)]
