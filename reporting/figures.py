"""Money figures stated as a total and its parts, built once so that they always add up.

A `Breakdown` holds its parts; its total is their sum by construction, and it is formatted in
one place, so the dashboard, the PDF and the CSV export state the same equation:
"Company contribution: €1,234.00 = €500.00 of matching (cash) + €734.00 of skills sponsorship
valued at cost (time) + €0.00 of management costs". Amounts keep their cents: whole-unit
rounding of each part would not add up to the rounded total.

The three money breakdowns follow the LBG/B4SI model:
- employees' own gifts are *leverage* (payroll round-up and card), never company contribution;
- money to associations = employees' gifts + the company's matching;
- company contribution = matching (cash) + skills sponsorship valued at cost (time) +
  management costs (entered by the CSR officer with the report request; none entered = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Part:
    key: str
    cents: int
    template: str  # translated, with %(amount)s: "%(amount)s of matching (cash)"

    def text(self, fmt) -> str:
        return self.template % {"amount": fmt(self.cents)}


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    parts: tuple[Part, ...]

    @property
    def total(self) -> int:
        return sum(part.cents for part in self.parts)

    def part(self, key: str) -> Part:
        return next(part for part in self.parts if part.key == key)

    def equation(self, fmt) -> str:
        """ "€1,234.00 = €500.00 of matching + €734.00 of ..." (the parts in order)."""
        return _("%(total)s = %(parts)s") % {
            "total": fmt(self.total),
            "parts": " + ".join(part.text(fmt) for part in self.parts),
        }

    def sentence(self, fmt) -> str:
        return _("%(title)s: %(equation)s") % {"title": self.title, "equation": self.equation(fmt)}


def employee_gifts(kpis: dict) -> Breakdown:
    return Breakdown(
        key="employee_gifts",
        title=_("Employees' own gifts (leverage)"),
        parts=(
            Part("payroll", kpis["payroll_cents"], _("%(amount)s of payroll round-up")),
            Part("card", kpis["card_cents"], _("%(amount)s of card gifts")),
        ),
    )


def to_associations(kpis: dict) -> Breakdown:
    return Breakdown(
        key="to_associations",
        title=_("Money to associations"),
        parts=(
            Part(
                "employee_gifts",
                employee_gifts(kpis).total,
                _("%(amount)s given by employees"),
            ),
            Part("matching", kpis["matches_cents"], _("%(amount)s matched by the company")),
        ),
    )


def company_contribution(kpis: dict, management_costs_cents: int | None) -> Breakdown:
    return Breakdown(
        key="company_contribution",
        title=_("Company contribution"),
        parts=(
            Part("matching", kpis["matches_cents"], _("%(amount)s of matching (cash)")),
            Part(
                "skills",
                kpis["skills_valuation_cents"],
                _("%(amount)s of skills sponsorship valued at cost (time)"),
            ),
            Part(
                "company_gifts",
                # Reports archived before company gifts existed have no such figure.
                kpis.get("company_gifts_cents", 0),
                _("%(amount)s of other company gifts (grants, staff votes, leave days)"),
            ),
            Part(
                "management_costs",
                management_costs_cents or 0,
                _("%(amount)s of management costs")
                if management_costs_cents is not None
                else _("%(amount)s of management costs (none entered)"),
            ),
        ),
    )


def money_breakdowns(metrics: dict) -> dict[str, Breakdown]:
    """The report's three money breakdowns, from the snapshot alone."""
    kpis = metrics["kpis"]
    return {
        "employee_gifts": employee_gifts(kpis),
        "to_associations": to_associations(kpis),
        "company_contribution": company_contribution(kpis, metrics.get("management_costs_cents")),
    }


def breakdown_sentences(metrics: dict) -> list[dict]:
    """Each breakdown as {key, title, total, equation, sentence}, formatted to the cent."""
    from reporting.presentation import money_formatter

    fmt = money_formatter(metrics["currency"])
    return [
        {
            "key": key,
            "title": breakdown.title,
            "total": fmt(breakdown.total),
            "equation": breakdown.equation(fmt),
            "sentence": breakdown.sentence(fmt),
        }
        for key, breakdown in money_breakdowns(metrics).items()
    ]
