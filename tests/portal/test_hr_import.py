"""The HR file import: preview diff, errors against the directory, confirmation, views."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.models import EmployeeProfile, PeopleImport
from portal.people import imports
from portal.people.records import PersonRecord, apply_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are translated; these tests read the English source."""
    with translation.override("en"):
        yield


HEADER = "Matricule;E-mail;Prénom;Nom;Matricule manager;Service;Site;Date d'entrée;Date de sortie\n"


def csv(*lines: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(line + "\n" for line in lines)).encode()


@pytest.fixture
def directory(company_a):
    """Two people already in Cordée: a boss (B1) and Ana (E1), who reports to B1."""
    apply_person(
        company_a,
        PersonRecord(email="boss@alpha.example", employee_number="B1", first_name="Bea"),
        source="test",
    )
    apply_person(
        company_a,
        PersonRecord(
            email="ana@alpha.example",
            employee_number="E1",
            first_name="Ana",
            last_name="Lopez",
            department="Sales",
            site="Lyon",
            manager_employee_number="B1",
        ),
        source="test",
    )
    return company_a


def test_preview_sorts_joiners_movers_leavers_and_counts_the_absent(directory):
    data = csv(
        "E1;ana@alpha.example;Ana;Lopez;B1;Marketing;Lyon;;",
        "J1;joe@alpha.example;Joe;New;M9;IT;Paris;01/12/2026;",
        "M9;max@alpha.example;Max;Later;;IT;Paris;01/12/2026;",
    )
    preview = imports.preview_file(directory, data)
    assert preview.errors == []
    assert [p.line for p in preview.joiners] == [3, 4]
    assert preview.joiners[0].manager_in_second_pass
    assert [(c.field, c.old, c.new) for c in preview.movers[0].changes] == [
        ("department", "Sales", "Marketing")
    ]
    assert preview.leavers == [] and preview.unchanged == 0
    assert preview.absent == 1 and preview.absent_sample == ["Bea"]


def test_unchanged_and_leaver(directory):
    data = csv(
        "B1;boss@alpha.example;Bea;;;;;;",
        "E1;ana@alpha.example;Ana;Lopez;B1;Sales;Lyon;;31/12/2026",
    )
    preview = imports.preview_file(directory, data)
    assert preview.unchanged == 1 and preview.movers == []
    assert [(c.field, c.new) for c in preview.leavers[0].changes] == [
        ("leave_date", dt.date(2026, 12, 31))
    ]
    assert preview.absent == 0


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["X1;x@alpha.example;;;NOPE;;;;"], {(2, "manager_employee_number")}),
        (["X1;x@alpha.example;;;;;;;", "X1;y@alpha.example;;;;;;;"], {(3, "employee_number")}),
        (["X1;x@alpha.example;;;;;;;", "X2;x@alpha.example;;;;;;;"], {(3, "email")}),
        (["X1;x@elsewhere.example;;;;;;;"], {(2, "email")}),
        (["X1;bob@beta.example;;;;;;;"], {(2, "email")}),
        (["X1;x@alpha.example;;;;;;32/01/2026;"], {(2, "hire_date")}),
        (["X1;x@alpha.example;;;;;;02/01/2026;01/01/2026"], {(2, "leave_date")}),
        (
            ["X1;x@alpha.example;;;X2;;;;", "X2;y@alpha.example;;;X1;;;;"],
            {(2, "manager_employee_number"), (3, "manager_employee_number")},
        ),
        # B1 would report to E1, who reports to B1 in Cordée.
        (["B1;boss@alpha.example;;;E1;;;;"], {(2, "manager_employee_number")}),
        # E1 takes the boss's address.
        (["E1;boss@alpha.example;;;;;;;"], {(2, "email")}),
    ],
)
def test_errors_by_line_and_field(directory, employee_b, lines, expected):
    preview = imports.preview_file(directory, csv(*lines))
    assert {(e.line, e.field) for e in preview.errors} == expected


def _upload(company, user, data):
    return imports.upload(company=company, user=user, name="rh.csv", data=data)


def test_confirm_applies_in_two_passes_and_records_the_audit(directory, csr_a):
    data = csv(
        "J1;joe@alpha.example;Joe;New;M9;IT;Paris;01/12/2026;",
        "M9;max@alpha.example;Max;Later;B1;IT;Paris;01/12/2026;",
        "E1;ana@alpha.example;Ana;Lopez;M9;Sales;Lyon;;31/12/2026",
    )
    row = _upload(directory, csr_a.user, data)
    preview = imports.preview_file(directory, data)
    imports.confirm(row=row, user=csr_a.user, fingerprint=preview.fingerprint)
    joe = EmployeeProfile.objects.get(company=directory, employee_number="J1")
    assert joe.manager.employee_number == "M9"
    assert joe.manager.manager.employee_number == "B1"
    ana = EmployeeProfile.objects.get(employee_number="E1")
    assert ana.leave_date == dt.date(2026, 12, 31) and ana.manager == joe.manager
    row.refresh_from_db()
    assert row.status == "confirmed" and row.confirmed_by == csr_a.user
    assert row.counts["joiners"] == 2 and row.counts["leavers"] == 1
    with pytest.raises(imports.ImportRefused):
        imports.confirm(row=row, user=csr_a.user, fingerprint=preview.fingerprint)


def test_nothing_written_while_an_error_remains(directory, csr_a):
    data = csv("J1;joe@alpha.example;;;;;;;", "J2;joe@alpha.example;;;;;;;")
    row = _upload(directory, csr_a.user, data)
    before = EmployeeProfile.objects.count()
    with pytest.raises(imports.ImportRefused):
        imports.confirm(
            row=row, user=csr_a.user, fingerprint=imports.preview_file(directory, data).fingerprint
        )
    assert EmployeeProfile.objects.count() == before
    assert PeopleImport.objects.get().status == "previewed"


def test_stale_preview_is_refused(directory, csr_a):
    data = csv("E1;ana@alpha.example;Ana;Lopez;B1;Marketing;Lyon;;")
    row = _upload(directory, csr_a.user, data)
    fingerprint = imports.preview_file(directory, data).fingerprint
    # Meanwhile someone changes Ana's department to the file's value.
    apply_person(
        directory,
        PersonRecord(email="ana@alpha.example", employee_number="E1", department="Marketing"),
        source="test",
    )
    with pytest.raises(imports.ImportRefused, match="changed"):
        imports.confirm(row=row, user=csr_a.user, fingerprint=fingerprint)


def test_a_failing_line_rolls_back_every_line(directory, csr_a):
    data = csv("J1;joe@alpha.example;;;;;;;", "E1;ana@alpha.example;;;;;;;")
    row = _upload(directory, csr_a.user, data)
    fingerprint = imports.preview_file(directory, data).fingerprint
    # The stored file is swapped behind the app's back: its hash no longer matches.
    with row.file.open("wb") as handle:
        handle.write(csv("J1;joe@alpha.example;;;;;;;", "E1;evil@alpha.example;;;;;;;"))
    with pytest.raises(imports.ImportRefused, match="stored file"):
        imports.confirm(row=row, user=csr_a.user, fingerprint=fingerprint)
    assert not EmployeeProfile.objects.filter(employee_number="J1").exists()


def test_rehire_clears_the_leave_date(directory, csr_a):
    apply_person(
        directory,
        PersonRecord(
            email="ana@alpha.example", employee_number="E1", leave_date=dt.date(2026, 1, 31)
        ),
        source="test",
    )
    data = csv("E1;ana@alpha.example;Ana;Lopez;B1;Sales;Lyon;;")
    preview = imports.preview_file(directory, data)
    assert [(c.field, c.new) for c in preview.movers[0].changes] == [("leave_date", None)]
    imports.confirm(
        row=_upload(directory, csr_a.user, data), user=csr_a.user, fingerprint=preview.fingerprint
    )
    assert EmployeeProfile.objects.get(employee_number="E1").leave_date is None


def test_ten_thousand_lines_in_a_bounded_number_of_queries(directory, csr_a):
    lines = [
        f"N{n};p{n}@alpha.example;P{n};Person;{'B1' if n % 2 else ''};Dept {n % 7};Site;;"
        for n in range(10_000)
    ]
    data = csv(*lines)
    with CaptureQueriesContext(connection) as queries:
        preview = imports.preview_file(directory, data)
    assert len(preview.joiners) == 10_000 and preview.errors == []
    assert len(queries) <= 12, [q["sql"][:80] for q in queries]

    # The same file once everyone exists: the preview stays bounded and nothing is rewritten.
    people = [
        EmployeeProfile(company=directory, employee_number=f"N{n}", department=f"Dept {n % 7}")
        for n in range(10_000)
    ]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"p{n}@alpha.example",
            email=f"p{n}@alpha.example",
            first_name=f"P{n}",
            last_name="Person",
        )
        for n in range(10_000)
    )
    boss = EmployeeProfile.objects.get(employee_number="B1")
    for n, (profile, user) in enumerate(zip(people, users, strict=True)):
        profile.user, profile.site = user, "Site"
        profile.manager = boss if n % 2 else None
    EmployeeProfile.objects.bulk_create(people)
    data = csv(*lines[:-1], lines[-1].replace("Dept", "Team"))
    row = _upload(directory, csr_a.user, data)
    with CaptureQueriesContext(connection) as queries:
        preview = imports.preview_file(directory, data)
    assert preview.unchanged == 9_999 and len(preview.movers) == 1
    assert len(queries) <= 12
    with CaptureQueriesContext(connection) as queries:
        imports.confirm(row=row, user=csr_a.user, fingerprint=preview.fingerprint)
    assert len(queries) <= 50, len(queries)
    assert EmployeeProfile.objects.get(employee_number="N9999").department == "Team 3"


# ---------------------------------------------------------------------------- views


def test_officer_uploads_previews_and_confirms(
    client, directory, csr_a, django_capture_on_commit_callbacks
):
    client.force_login(csr_a.user)
    url = reverse("people_import")
    assert client.get(url).status_code == 200
    data = csv("J1;joe@alpha.example;Joe;New;B1;IT;Paris;01/12/2026;")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("rh.csv", data)})
    row = PeopleImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "people_import_preview", args=[row.pk]
    )
    page = client.get(response.url)
    assert page.status_code == 200 and "Joe New" in page.text
    fingerprint = page.context["preview"].fingerprint
    confirm_url = reverse("people_import_confirm", args=[row.pk])
    assert client.post(confirm_url, {"fingerprint": "0" * 64}).status_code == 409
    assert not EmployeeProfile.objects.filter(employee_number="J1").exists()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task, inline
        response = client.post(confirm_url, {"fingerprint": fingerprint})
    assert response.status_code == 302
    assert EmployeeProfile.objects.get(employee_number="J1").manager.employee_number == "B1"
    assert PeopleImport.objects.get().status == "confirmed"


def test_cp1252_upload_shows_how_to_resave(client, directory, csr_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(csr_a.user)
    data = (HEADER + "J1;joe@alpha.example;Zoé;;;;;;\n").encode("cp1252")
    response = client.post(reverse("people_import"), {"file": SimpleUploadedFile("rh.csv", data)})
    page = client.get(response.url)
    assert "UTF-8" in page.text and page.context["preview"] is None


def test_other_roles_and_companies_get_404(client, directory, csr_a, csr_b):
    row = _upload(directory, csr_a.user, csv("J1;joe@alpha.example;;;;;;;"))
    client.force_login(EmployeeProfile.objects.get(employee_number="E1").user)
    assert client.get(reverse("people_import")).status_code == 404
    client.force_login(csr_b.user)
    assert client.get(reverse("people_import_preview", args=[row.pk])).status_code == 404
    fingerprint = imports.preview_file(directory, imports.stored_bytes(row)).fingerprint
    response = client.post(
        reverse("people_import_confirm", args=[row.pk]), {"fingerprint": fingerprint}
    )
    assert response.status_code == 404
    assert not EmployeeProfile.objects.filter(employee_number="J1").exists()


# ---- Confirmation in the background ------------------------------------------------------------


def test_confirming_queues_the_import_and_the_worker_applies_it(
    directory, csr_a, django_capture_on_commit_callbacks
):
    data = csv("J1;joe@alpha.example;Joe;New;B1;IT;Paris;01/12/2026;")
    row = _upload(directory, csr_a.user, data)
    fingerprint = imports.preview_file(directory, data).fingerprint
    with django_capture_on_commit_callbacks() as queued:
        imports.request_confirmation(row=row, user=csr_a.user, fingerprint=fingerprint)
    row.refresh_from_db()
    assert row.status == "applying" and len(queued) == 1
    assert imports.progress_of(row) == (0, 1)
    assert not EmployeeProfile.objects.filter(employee_number="J1").exists()
    with pytest.raises(imports.ImportRefused, match="being imported"):
        imports.request_confirmation(row=row, user=csr_a.user, fingerprint=fingerprint)
    queued[0]()  # the worker
    row.refresh_from_db()
    assert row.status == "confirmed" and row.confirmed_by == csr_a.user
    assert EmployeeProfile.objects.filter(employee_number="J1").exists()
    assert imports.progress_of(row) is None
    # A retried task does nothing more.
    assert imports.apply_requested(import_id=row.pk).status == "confirmed"


def test_a_directory_change_before_the_worker_runs_refuses_and_writes_nothing(
    client, directory, csr_a, django_capture_on_commit_callbacks
):
    data = csv("J1;joe@alpha.example;Joe;New;B1;IT;Paris;01/12/2026;")
    row = _upload(directory, csr_a.user, data)
    fingerprint = imports.preview_file(directory, data).fingerprint
    with django_capture_on_commit_callbacks() as queued:
        imports.request_confirmation(row=row, user=csr_a.user, fingerprint=fingerprint)
    # Joe signs up by hand before the worker takes the task: the file's joiner is now a mover.
    apply_person(
        directory,
        PersonRecord(email="joe@alpha.example", employee_number="J1", first_name="Joseph"),
        source="test",
    )
    queued[0]()
    row.refresh_from_db()
    assert row.status == "failed" and "changed since this preview" in row.error
    joe = EmployeeProfile.objects.get(employee_number="J1")
    assert joe.user.first_name == "Joseph" and joe.manager is None  # nothing of the file
    # The preview page says why and offers to confirm the updated preview.
    client.force_login(csr_a.user)
    page = client.get(
        reverse("people_import_preview", args=[row.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).text
    assert "nothing was written" in page and "Confirm the import" in page


def test_the_preview_page_follows_an_import_in_progress(client, directory, csr_a):
    data = csv("J1;joe@alpha.example;Joe;New;B1;IT;Paris;01/12/2026;")
    row = _upload(directory, csr_a.user, data)
    fingerprint = imports.preview_file(directory, data).fingerprint
    imports.request_confirmation(row=row, user=csr_a.user, fingerprint=fingerprint)
    client.force_login(csr_a.user)
    page = client.get(
        reverse("people_import_preview", args=[row.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).text
    assert "Being imported: 0 of 1 people applied" in page
    assert 'http-equiv="refresh"' in page
    assert "Confirm the import" not in page
