"""Totals stated with their parts add up, in the PDF (read back as text), the page and the CSV.

The PDF is rendered through portal.pdf, its text extracted with pypdf, and every equation
"TOTAL = PART label + PART label ..." is parsed back, in French and in English number formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reporting import figures, services
from reporting.models import ImpactReport
from reporting.periods import year_period
from reporting.selectors.metrics import company_metrics
from tests.factories import PASSWORD, make_employee

pytestmark = pytest.mark.django_db

SPACES = "[ \u00a0\u202f\u2009]"
MONEY = {
    "en": re.compile(r"€(\d{1,3}(?:,\d{3})*\.\d{2})"),
    "fr": re.compile(rf"(?<![\d,])(\d{{1,3}}(?:{SPACES}\d{{3}})*,\d{{2}}){SPACES}?€"),
}
# What may sit between an amount and the next "+": words, never a figure, "=" or "+".
LABEL = r"[^+=€\d]*?"


def amount(text: str, language: str) -> int:
    """'€1,234.56' or '1 234,56 €' (any kind of space) → 123456 cents."""
    if language == "en":
        number = text.replace(",", "")
    else:
        number = re.sub(SPACES, "", text).replace(",", ".")
    return int(Decimal(number) * 100)


def equations(text: str, language: str) -> list[tuple[int, list[int]]]:
    """Every "TOTAL = PART ... + PART ..." of the text, as (total, [parts]) in cents."""
    money = MONEY[language].pattern
    text = re.sub(r"\s+", " ", text)
    found = []
    pattern = re.compile(rf"{money} ?= ?((?:{money}{LABEL} ?\+ ?)+{money})")
    for match in pattern.finditer(text):
        total = amount(match.group(1), language)
        parts = [amount(m.group(1), language) for m in MONEY[language].finditer(match.group(2))]
        found.append((total, parts))
    return found


def test_the_parser_reads_both_languages_and_catches_a_wrong_sum():
    english = "Money: €1,034.50 = €1,000.00 given by employees + €34.50 matched by the company."
    french = "Argent : 1\u202f034,50\u00a0€ = 1\u202f000,00\u00a0€ donnés + 34,50\u00a0€ abondés."
    assert equations(english, "en") == [(103450, [100000, 3450])]
    assert equations(french, "fr") == [(103450, [100000, 3450])]
    # The sentence of the issue, had it been an equation, is caught.
    wrong = "GRI 201-1: €34,422.00 = €16,658.00 of matching + €1,105.00 of skills sponsorship"
    ((total, parts),) = equations(wrong, "en")
    assert total != sum(parts)


def pdf_text(report: ImpactReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def build(company, language: str, *, management_costs_cents=None, year=2025) -> ImpactReport:
    report = ImpactReport.objects.create(
        company=company,
        period_kind="year",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 1, 1),
        period_year=year,
        language=language,
        management_costs_cents=management_costs_cents,
    )
    return services.build_report(report_id=report.pk)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_total_in_the_pdf_is_the_sum_of_its_parts(impact_data, language):
    # Payroll and card gifts, matching, skills sponsorship and management costs all exist.
    report = build(impact_data.company, language, management_costs_cents=123_456)
    k = report.metrics["kpis"]
    assert k["payroll_cents"] and k["card_cents"] and k["matches_cents"]
    assert k["skills_valuation_cents"] == 70_000
    text = pdf_text(report)
    found = equations(text, language)
    # Money chapter (3), key messages (2), GRI 201-1 (1).
    assert len(found) >= 6, found
    for total, parts in found:
        assert total == sum(parts), (total, parts)
    totals = {total: parts for total, parts in found}
    gifts = k["company_gifts_cents"]  # grants, votes, leave days (none here)
    contribution = k["matches_cents"] + k["skills_valuation_cents"] + gifts + 123_456
    assert totals[contribution] == [
        k["matches_cents"],
        k["skills_valuation_cents"],
        gifts,
        123_456,
    ]
    assert totals[k["donations_cents"]] == [k["payroll_cents"], k["card_cents"]]
    assert totals[k["total_to_associations_cents"]] == [k["donations_cents"], k["matches_cents"]]
    # Employees' gifts are leverage: never a part of the company contribution.
    assert k["donations_cents"] not in totals[contribution]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_without_management_costs_the_report_says_none_were_entered(impact_data, language):
    report = build(impact_data.company, language)
    text = re.sub(r"\s+", " ", pdf_text(report))
    expected = {
        "en": "of management costs (none entered)",
        "fr": "de frais de gestion (aucun saisi)",
    }[language]
    assert expected in text
    for total, parts in equations(text, language):
        assert total == sum(parts)
    k = report.metrics["kpis"]
    contribution = k["matches_cents"] + k["skills_valuation_cents"] + k["company_gifts_cents"]
    parts = [k["matches_cents"], k["skills_valuation_cents"], k["company_gifts_cents"], 0]
    assert (contribution, parts) in equations(text, language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_appendix_names_the_mapping_and_claims_no_esrs_volunteering_datapoint(
    impact_data, language
):
    text = re.sub(r"\s+", " ", pdf_text(build(impact_data.company, language)))
    for name in ("LBG / B4SI", "GRI 201-1", "GRI 413-1", "ESRS S3-4"):
        assert name in text
    no_datapoint = {
        "en": "The ESRS define no datapoint for employee volunteering or giving: this report "
        "claims none",
        "fr": "Les ESRS ne définissent aucun point de données pour le bénévolat ou les dons des "
        "salariés : ce rapport n'en revendique aucun",
    }[language]
    assert no_datapoint in text
    assert "reported apart" not in text and "présentés à part" not in text


def test_a_company_without_money_still_states_balanced_zero_sentences(company_b):
    report = build(company_b, "en")
    found = equations(pdf_text(report), "en")
    assert found and all(total == sum(parts) == 0 for total, parts in found)


def test_the_page_and_the_csv_state_the_same_breakdowns_as_the_pdf(client, impact_data):
    executive = make_employee(impact_data.company, email="ceo@alpha.example", is_executive=True)
    client.login(username=executive.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("reporting:dashboard"), {"kind": "year", "year": "2025"})
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode()))
    on_page = equations(text, "en")
    assert len(on_page) >= 3 and all(total == sum(parts) for total, parts in on_page)

    response = client.get(
        reverse("reporting:export", args=["money"]), {"kind": "year", "year": "2025"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Figure", "Part", "Amount (cents)"]
    from_csv: dict[str, dict[str, int]] = {}
    for title, part, cents in rows[1:]:
        from_csv.setdefault(title, {})[part] = int(cents)
    assert len(from_csv) == 3
    for parts in from_csv.values():
        total = parts.pop("total")
        assert total == sum(parts.values())

    metrics = company_metrics(company=impact_data.company, period=year_period(2025))
    with translation.override("en"):
        breakdowns = figures.money_breakdowns(metrics)
    csv_totals = sorted(int(cents) for _title, part, cents in rows[1:] if part == "total")
    assert csv_totals == sorted(b.total for b in breakdowns.values())
    assert sorted(total for total, _parts in on_page[:3]) == csv_totals


def test_a_breakdown_total_is_the_sum_of_its_parts_by_construction():
    kpis = {
        "payroll_cents": 1_665_800,
        "card_cents": 12_345,
        "matches_cents": 1_665_800,
        "skills_valuation_cents": 110_500,
    }
    with translation.override("en"):
        contribution = figures.company_contribution(kpis, 50_000)
        gifts = figures.employee_gifts(kpis)
    assert contribution.total == 1_665_800 + 110_500 + 50_000
    assert gifts.total == 1_678_145
    # A snapshot without company gifts (archived before they existed) counts them as zero.
    assert [p.key for p in contribution.parts] == [
        "matching",
        "skills",
        "company_gifts",
        "management_costs",
    ]
