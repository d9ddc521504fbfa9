"""The company's mécénat ledger: CSR officers' and executives' finance view, per fiscal year."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations.forms import FiscalYearFiguresForm
from donations.models import CompanyFiscalYear, CompanyGift
from donations.selectors import ledger as ledger_selectors
from donations.services.ledger import set_fiscal_year_figures
from donations.services.skills_gifts import sync_skills_sponsorship_gifts
from portal.calendar import company_today, start_of_day
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.fiscal import MissingFiscalRule
from portal.money import cents_to_decimal
from portal.tenancy import require_impact_viewer

# How many fiscal years the year picker offers before the current one.
YEARS_BACK = 6


def _ledger_or_404(company, year: int) -> ledger_selectors.Ledger:
    try:
        return ledger_selectors.company_ledger(company, year)
    except MissingFiscalRule:
        # A year before the rules table starts: there is no ledger to show.
        raise Http404 from None


def _years(company) -> list[int]:
    current = ledger_selectors.current_fiscal_year(company, company_today(company))
    return list(range(current + 1, current - YEARS_BACK, -1))


def _page(request, profile, year: int, *, form=None, status: int = 200) -> HttpResponse:
    company = profile.company
    ledger = _ledger_or_404(company, year)
    if form is None:
        row = CompanyFiscalYear.objects.filter(company=company, year=year).first()
        initial = {}
        if row is not None:
            initial = {
                "turnover": cents_to_decimal(row.turnover_cents)
                if row.turnover_cents is not None
                else None,
                "tax_due": cents_to_decimal(row.tax_due_cents)
                if row.tax_due_cents is not None
                else None,
            }
        form = FiscalYearFiguresForm(initial=initial)
    context = {
        "ledger": ledger,
        "p": ledger.position,
        "currency": company.currency,
        "years": _years(company),
        "year": year,
        "form": form,
        "matching_kind": ledger_selectors.MATCHING,
    }
    return render(request, "donations/ledger.html", context, status=status)


@login_required
def ledger(request: HttpRequest, year: int | None = None) -> HttpResponse:
    profile = require_impact_viewer(request.user)
    if year is None:
        company = profile.company
        return redirect(
            "donations:ledger_year",
            year=ledger_selectors.current_fiscal_year(company, company_today(company)),
        )
    return _page(request, profile, year)


@login_required
@require_POST
def ledger_figures(request: HttpRequest, year: int) -> HttpResponse:
    profile = require_impact_viewer(request.user)
    _ledger_or_404(profile.company, year)
    form = FiscalYearFiguresForm(request.POST)
    if not form.is_valid():
        return _page(request, profile, year, form=form, status=400)
    set_fiscal_year_figures(
        company=profile.company,
        year=year,
        turnover_cents=form.cleaned_data["turnover"],
        tax_due_cents=form.cleaned_data["tax_due"],
        actor=request.user,
    )
    messages.success(request, _("The figures of the fiscal year are saved."))
    return redirect("donations:ledger_year", year=year)


@login_required
@require_POST
def ledger_revalue(request: HttpRequest, year: int) -> HttpResponse:
    """Value the fiscal year's attended skills-sponsorship hours again (after pay data changed)."""
    profile = require_impact_viewer(request.user)
    company = profile.company
    ledger = _ledger_or_404(company, year)
    position = ledger.position
    result = sync_skills_sponsorship_gifts(
        company=company,
        start=start_of_day(position.start, company.time_zone),
        end=start_of_day(position.end + dt.timedelta(days=1), company.time_zone),
        actor=request.user,
    )
    messages.success(
        request,
        _(
            "Skills sponsorship valued: %(recorded)s new, %(revalued)s re-valued, "
            "%(cancelled)s cancelled."
        )
        % {"recorded": result.recorded, "revalued": result.revalued, "cancelled": result.cancelled},
    )
    return redirect("donations:ledger_year", year=year)


@login_required
def ledger_csv(request: HttpRequest, year: int) -> HttpResponse:
    profile = require_impact_viewer(request.user)
    company = profile.company
    ledger = _ledger_or_404(company, year)
    p = ledger.position

    def euros(cents):
        return None if cents is None else cents_to_decimal(cents)

    kinds = {
        ledger_selectors.MATCHING: _("Matching of employees' gifts"),
        **dict(CompanyGift.Kind.choices),
    }
    natures = dict(CompanyGift.Nature.choices)
    rows: list[list] = [
        [_("Mécénat ledger"), company.name, _("Fiscal year"), year, p.start, p.end],
        [],
        [_("Figure"), _("Amount")],
        [_("Gifts of the year"), euros(p.gifts_cents)],
        [_("of which to bodies helping people in difficulty"), euros(p.helping_cents)],
        [_("Turnover excluding tax"), euros(p.turnover_cents)],
        [_("Cap"), euros(p.cap_cents)],
        [_("Gifts of the year retained"), euros(p.retained_cents)],
        [_("Excess of earlier years used"), euros(p.excess_used_cents)],
        [_("Excess of the year carried forward"), euros(p.excess_cents)],
        [
            _("Reduction at the full rate"),
            euros(p.reduction_full_rate_cents + p.reduction_helping_cents),
        ],
        [_("Reduction at the rate above the threshold"), euros(p.reduction_reduced_rate_cents)],
        [_("Reduction of the year"), euros(p.reduction_cents)],
        [_("Corporate tax due"), euros(p.tax_due_cents)],
        [_("Reduction used against the tax"), euros(p.reduction_used_cents)],
        [_("Reduction carried forward"), euros(p.reduction_balance_cents)],
        [],
        [_("Rule"), _("Value"), _("Applies from"), _("Legal reference")],
        *[[r.label, r.value, r.valid_from, r.reference] for r in ledger.rules],
        [],
        [
            _("Date"),
            _("Kind"),
            _("Nature"),
            _("Association"),
            _("Identifier"),
            _("Helps people in difficulty"),
            _("Amount"),
            _("Reference"),
        ],
    ]
    for (
        day,
        kind,
        nature,
        name,
        identifier,
        helping,
        cents,
        reference,
    ) in ledger_selectors.ledger_gift_rows(company, year):
        rows.append(
            [
                day,
                kinds.get(kind, kind),
                natures.get(nature, nature),
                name,
                identifier,
                helping,
                euros(cents),
                reference,
            ]
        )
    return csv_response(
        rows,
        filename=f"mecenat-ledger-{year}.csv",
        dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
    )
