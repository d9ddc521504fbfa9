"""What the card gift form shows before paying: suggested amounts, the company's match (by the
webhook's own rules), the tax reduction estimate (dated fiscal rules) and the processing fees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from donations.services.matching import MatchTerms, card_match_terms
from portal.calendar import company_today
from portal.fiscal import FiscalKey, MissingFiscalRule, rule

# Suggested amounts in cents, offered as one-click choices (any other amount may be typed).
SUGGESTED_CENTS = (1000, 3000, 5000, 10000)


@dataclass(frozen=True)
class TaxTerms:
    """How much of a gift the reduction estimate takes back, and under which text."""

    rate: int  # percent
    reference: str
    helping_rate: int | None = None  # the 75 % rate, up to `helping_ceiling_cents`
    helping_ceiling_cents: int = 0
    helping_reference: str = ""

    def estimate_cents(self, amount_cents: int) -> int:
        if self.helping_rate is None:
            return amount_cents * self.rate // 100
        at_helping = min(amount_cents, self.helping_ceiling_cents)
        rest = amount_cents - at_helping
        return at_helping * self.helping_rate // 100 + rest * self.rate // 100

    def as_dict(self) -> dict:
        return {
            "rate": self.rate,
            "helping_rate": self.helping_rate,
            "ceiling": self.helping_ceiling_cents,
        }


def tax_terms(association, day: dt.date) -> TaxTerms | None:
    """The individual reduction (CGI art. 200) for a gift to `association` on `day`; None when
    it issues no tax receipt or no rule applies."""
    if not association.tax_receipt_eligible:
        return None
    try:
        general = rule(FiscalKey.INDIVIDUAL_RATE, day)
        if not association.helps_people_in_difficulty:
            return TaxTerms(rate=int(general.value), reference=general.reference)
        helping = rule(FiscalKey.INDIVIDUAL_HELPING_RATE, day)
        ceiling = rule(FiscalKey.INDIVIDUAL_HELPING_CEILING, day)
    except MissingFiscalRule:
        return None
    return TaxTerms(
        rate=int(general.value),
        reference=general.reference,
        helping_rate=int(helping.value),
        helping_ceiling_cents=ceiling.cents,
        helping_reference=helping.reference,
    )


@dataclass(frozen=True)
class CardChoice:
    association: object
    match: MatchTerms | None
    tax: TaxTerms | None


def processing_fee_terms() -> dict:
    return {
        "bp": settings.CORDEE_CARD_FEE_BASIS_POINTS,
        "fixed": settings.CORDEE_CARD_FEE_FIXED_CENTS,
    }


def card_choices(*, donor, associations) -> list[CardChoice]:
    """Per association open to gifts: the match terms for this donor now, and the tax terms."""
    associations = list(associations)
    day = company_today(donor.company)
    terms = card_match_terms(donor=donor, association_ids=[a.pk for a in associations])
    taxes: dict[tuple, TaxTerms | None] = {}
    choices = []
    for association in associations:
        key = (association.tax_receipt_eligible, association.helps_people_in_difficulty)
        if key not in taxes:
            taxes[key] = tax_terms(association, day)
        choices.append(CardChoice(association, terms.get(association.pk), taxes[key]))
    return choices


def card_form_data(choices: list[CardChoice]) -> dict:
    """The same terms as JSON for the little script that updates the form as one types."""
    return {
        "associations": {
            str(c.association.pk): {
                "match": c.match.as_dict() if c.match else None,
                "tax": c.tax.as_dict() if c.tax else None,
            }
            for c in choices
        },
        "fee": processing_fee_terms(),
    }


def tax_note(choices: list[CardChoice]) -> TaxTerms | None:
    """The terms the form's note names: those with the 75 % rate when any association has it."""
    taxes = [c.tax for c in choices if c.tax]
    return next((t for t in taxes if t.helping_rate), taxes[0] if taxes else None)
