"""Tax receipts: the association's choice, gap-free numbering, issuing, uploading, cancelling.

Numbering: one sequence per association and year (the year of the gifts), counted in a
`ReceiptCounter` row locked with `select_for_update` while a number is taken and the receipt
written, in one transaction: a number is used exactly once or rolled back with its receipt, so
the sequence has no gap, and a cancelled receipt keeps its number (its replacement takes the next).

A donor's full address is a mandatory mention of Cerfa 11580: an employee without one gets no
receipt yet (the issue run counts them as waiting, the giving page asks for the address); a
later run issues theirs.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donations.exceptions import ReceiptError
from donations.models import (
    DELEGATION_TEXT_VERSION,
    DonorAddress,
    ReceiptCounter,
    ReceiptSettings,
    TaxReceipt,
)
from donations.selectors import receipts as reads
from donations.services.audit import log_action
from portal.french_numbers import euros_in_words
from portal.models import Company, EmployeeProfile
from portal.pdf import render_pdf

SIGNATURE_MAX_BYTES = 512 * 1024
RECEIPT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


def settings_of(association) -> ReceiptSettings:
    found, _created = ReceiptSettings.objects.get_or_create(association=association)
    return found


def _check_signature(upload) -> str:
    """The image's content type; refuses anything but a small PNG or JPEG."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > SIGNATURE_MAX_BYTES:
        raise ReceiptError(_("The signature image must be under 512 KB."))
    data = upload.read()
    upload.seek(0)
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ReceiptError(_("The signature must be a PNG or JPEG image.")) from exc
    if image.format not in ("PNG", "JPEG"):
        raise ReceiptError(_("The signature must be a PNG or JPEG image."))
    return "image/png" if image.format == "PNG" else "image/jpeg"


def update_receipt_settings(
    *,
    association,
    mode: str,
    signatory_name: str,
    signatory_title: str,
    object_text: str,
    legal_quality: str,
    eligible_ifi: bool = False,
    signature=None,
    by=None,
) -> ReceiptSettings:
    """Save the association's choice and signatory (a new signature image replaces the old)."""
    if mode not in ReceiptSettings.Mode.values:
        raise ReceiptError(_("Choose how receipts are produced."))
    if signature is not None:
        _check_signature(signature)
    with transaction.atomic():
        current = settings_of(association)
        current = ReceiptSettings.objects.select_for_update().get(pk=current.pk)
        current.mode = mode
        current.signatory_name = signatory_name.strip()
        current.signatory_title = signatory_title.strip()
        current.object = object_text.strip()
        current.legal_quality = legal_quality.strip()
        current.eligible_ifi = eligible_ifi
        if signature is not None:
            extension = "png" if signature.name.lower().endswith(".png") else "jpg"
            current.signature.save(f"signature-{association.pk}.{extension}", signature, save=False)
        current.save()
        log_action(action="receipts.settings", obj=current, actor=by, data={"mode": mode})
    return current


def accept_delegation(*, association, by) -> ReceiptSettings:
    """Record, once, that the association lets Cordée issue receipts in its name."""
    with transaction.atomic():
        current = ReceiptSettings.objects.select_for_update().get(pk=settings_of(association).pk)
        if current.delegation_accepted_at is None:
            current.delegation_accepted_at = timezone.now()
            current.delegation_accepted_by = by
            current.delegation_text_version = DELEGATION_TEXT_VERSION
            current.save()
            log_action(
                action="receipts.delegation_accepted",
                obj=current,
                actor=by,
                data={"text_version": DELEGATION_TEXT_VERSION},
            )
    return current


def take_number(*, association_id: int, year: int) -> int:
    """The next number of the association's sequence for `year`: call inside a transaction.

    The counter row stays locked until the caller's transaction ends, so two issuers never get
    the same number, and a rolled-back receipt gives its number back.
    """
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(association_id=association_id, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.select_for_update().get(
        association_id=association_id, year=year
    )
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


def _beneficiary(association, receipt_settings: ReceiptSettings) -> dict:
    # Printed as the Cerfa names it, whatever language the issuer reads.
    kind = (association.identifier_kind or "").upper()
    return {
        "name": association.legal_name or association.title,
        "address": ", ".join(
            p
            for p in (association.address, f"{association.postcode} {association.city}".strip())
            if p
        ),
        "object": receipt_settings.object or association.summary,
        "legal_quality": receipt_settings.legal_quality,
        "identifier_kind": kind,
        "identifier": association.identifier,
        "signatory_name": receipt_settings.signatory_name,
        "signatory_title": receipt_settings.signatory_title,
    }


def _signature_data_url(receipt_settings: ReceiptSettings) -> str:
    with receipt_settings.signature.open("rb") as handle:
        data = handle.read()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def render_receipt_pdf(receipt: TaxReceipt, receipt_settings: ReceiptSettings) -> bytes:
    """The receipt's PDF/A, in French whatever the reader's language (a French tax document)."""
    template = (
        "donations/receipts/employee_pdf.html"
        if receipt.kind == TaxReceipt.Kind.EMPLOYEE
        else "donations/receipts/company_pdf.html"
    )
    with translation.override("fr"):
        html = render_to_string(
            template,
            {
                "receipt": receipt,
                "content": receipt.content,
                "signature": _signature_data_url(receipt_settings),
            },
        )
    return render_pdf(html, stylesheets=("css/receipt_pdf.css",)).content


def _ready_settings(association) -> ReceiptSettings:
    if not association.tax_receipt_eligible:
        raise ReceiptError(_("This association is not registered as able to issue tax receipts."))
    current = settings_of(association)
    if not current.can_issue:
        raise ReceiptError(
            _(
                "Cordée can issue receipts once the association has chosen it, named its "
                "signatory, uploaded a signature and accepted the delegation."
            )
        )
    return current


def _check_year_closed(year: int) -> None:
    if year >= timezone.localdate().year:
        raise ReceiptError(_("A yearly receipt covers a finished year: choose an earlier year."))


def _create_numbered(*, receipt: TaxReceipt, receipt_settings: ReceiptSettings) -> TaxReceipt:
    """Number, store and render `receipt` in one transaction (the caller holds none open)."""
    receipt.number = take_number(association_id=receipt.association_id, year=receipt.year)
    receipt.origin = TaxReceipt.Origin.ISSUED
    receipt.issued_at = timezone.now()
    receipt.content = {
        **receipt.content,
        "reference": receipt.reference,
        "amount_words": euros_in_words(receipt.amount_cents),
        "issued_on": timezone.localdate().isoformat(),
        "replaces": receipt.replaces.reference if receipt.replaces else "",
    }
    pdf = render_receipt_pdf(receipt, receipt_settings)
    receipt.pdf.save(receipt.filename, ContentFile(pdf), save=False)
    receipt.save()
    log_action(
        action="receipts.issued",
        obj=receipt,
        actor=receipt.issued_by,
        company=receipt.company,
        data={"reference": receipt.reference, "amount_cents": receipt.amount_cents},
    )
    return receipt


def _donor_content(donor: EmployeeProfile, address: DonorAddress) -> dict:
    return {"name": donor.display_name, "address": address.one_line}


def issue_employee_receipt(
    *, association, donor: EmployeeProfile, year: int, by=None, replaces: TaxReceipt | None = None
) -> TaxReceipt | None:
    """The donor's yearly receipt (None when nothing is kept); needs the donor's address."""
    receipt_settings = _ready_settings(association)
    _check_year_closed(year)
    address = DonorAddress.objects.filter(profile=donor).first()
    if address is None:
        raise ReceiptError(_("%(name)s has not given a postal address yet.") % {"name": donor})
    gifts = reads.employee_gifts(association_id=association.pk, year=year, donor_id=donor.pk)
    if donor.pk not in gifts:
        return None
    found = gifts[donor.pk]
    with transaction.atomic():
        receipt = TaxReceipt(
            association=association,
            kind=TaxReceipt.Kind.EMPLOYEE,
            year=year,
            company=donor.company,
            donor=donor,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            amount_cents=found.total_cents,
            currency=donor.company.currency,
            replaces=replaces,
            issued_by=by,
            content={
                "donor": _donor_content(donor, address),
                "beneficiary": _beneficiary(association, receipt_settings),
                "payroll_cents": found.payroll_cents,
                "card_cents": found.card_cents,
                "payment_methods": found.payment_methods,
                "eligible_ifi": receipt_settings.eligible_ifi,
            },
        )
        return _create_numbered(receipt=receipt, receipt_settings=receipt_settings)


@dataclass
class IssueRun:
    issued: list[TaxReceipt] = field(default_factory=list)
    already_issued: int = 0
    waiting_for_address: list[EmployeeProfile] = field(default_factory=list)


def issue_employee_receipts(*, association, year: int, by=None) -> IssueRun:
    """Issue the year's receipts of every donor who has none yet (each in its own transaction)."""
    _ready_settings(association)
    _check_year_closed(year)
    run = IssueRun()
    gifts = reads.employee_gifts(association_id=association.pk, year=year)
    have = set(
        TaxReceipt.objects.filter(
            association=association,
            year=year,
            kind=TaxReceipt.Kind.EMPLOYEE,
            status=TaxReceipt.Status.ISSUED,
        ).values_list("donor_id", flat=True)
    )
    donors = EmployeeProfile.objects.filter(pk__in=set(gifts) - have).select_related(
        "user", "company", "receipt_address"
    )
    run.already_issued = len(set(gifts) & have)
    for donor in sorted(donors, key=lambda d: d.pk):
        if not hasattr(donor, "receipt_address"):
            run.waiting_for_address.append(donor)
            continue
        receipt = issue_employee_receipt(association=association, donor=donor, year=year, by=by)
        if receipt is not None:
            run.issued.append(receipt)
    return run


def _company_content(company: Company, gifts: reads.CompanyGifts) -> dict:
    return {
        "company": {
            "name": company.legal_name or company.name,
            "legal_form": company.legal_form,
            "siren": company.siren,
            "address": company.registered_address,
        },
        "lines": [
            {"label": line.label, "nature": line.nature, "amount_cents": line.amount_cents}
            for line in gifts.lines
        ],
        "cash_cents": gifts.cash_cents,
        "in_kind_cents": gifts.in_kind_cents,
    }


def issue_company_receipt(
    *,
    association,
    company: Company,
    start: dt.date,
    end: dt.date,
    by=None,
    replaces: TaxReceipt | None = None,
) -> TaxReceipt | None:
    """The company's receipt for its gifts of `start`..`end` (None when it gave nothing)."""
    receipt_settings = _ready_settings(association)
    if end < start or start.year != end.year:
        raise ReceiptError(_("A receipt's period starts before it ends, within one year."))
    if end >= timezone.localdate():
        raise ReceiptError(_("A receipt covers a period that has ended."))
    if not (company.siren and company.legal_form):
        raise ReceiptError(
            _("%(company)s has not given its legal form and SIREN yet.") % {"company": company}
        )
    gifts = reads.company_gifts(
        association_id=association.pk, start=start, end=end, company_id=company.pk
    ).get(company.pk)
    if gifts is None or gifts.total_cents <= 0:
        return None
    with transaction.atomic():
        receipt = TaxReceipt(
            association=association,
            kind=TaxReceipt.Kind.COMPANY,
            year=end.year,
            company=company,
            period_start=start,
            period_end=end,
            amount_cents=gifts.total_cents,
            currency=company.currency,
            replaces=replaces,
            issued_by=by,
            content={
                **_company_content(company, gifts),
                "beneficiary": _beneficiary(association, receipt_settings),
            },
        )
        return _create_numbered(receipt=receipt, receipt_settings=receipt_settings)


def issue_company_receipts(*, association, start: dt.date, end: dt.date, by=None) -> IssueRun:
    """A receipt for every company that gave in the period and has none for it yet."""
    _ready_settings(association)
    run = IssueRun()
    gifts = reads.company_gifts(association_id=association.pk, start=start, end=end)
    have = set(
        TaxReceipt.objects.filter(
            association=association,
            kind=TaxReceipt.Kind.COMPANY,
            status=TaxReceipt.Status.ISSUED,
            period_start=start,
            period_end=end,
        ).values_list("company_id", flat=True)
    )
    run.already_issued = len(set(gifts) & have)
    for company in Company.objects.filter(pk__in=set(gifts) - have).order_by("pk"):
        receipt = issue_company_receipt(
            association=association, company=company, start=start, end=end, by=by
        )
        if receipt is not None:
            run.issued.append(receipt)
    return run


def cancel_receipt(
    *, receipt_id: int, association_id: int, reason: str, by=None, replace: bool = True
) -> TaxReceipt | None:
    """Cancel a live receipt (with a reason); with `replace`, issue its successor: new number,
    recomputed amount, naming the one it replaces. Returns the replacement, if any."""
    reason = reason.strip()
    if not reason:
        raise ReceiptError(_("Say why the receipt is cancelled."))
    with transaction.atomic():
        receipt = (
            TaxReceipt.objects.select_for_update(of=("self",))
            .select_related("association", "donor", "company")
            .filter(pk=receipt_id, association_id=association_id)
            .first()
        )
        if receipt is None:
            raise ReceiptError(_("No such receipt."))
        if receipt.status != TaxReceipt.Status.ISSUED:
            raise ReceiptError(_("This receipt is already cancelled."))
        receipt.status = TaxReceipt.Status.CANCELLED
        receipt.cancelled_reason = reason[:250]
        receipt.cancelled_at = timezone.now()
        receipt.cancelled_by = by
        receipt.save()
        log_action(
            action="receipts.cancelled",
            obj=receipt,
            actor=by,
            company=receipt.company,
            data={"reference": receipt.reference, "reason": receipt.cancelled_reason},
        )
        if not replace or receipt.origin != TaxReceipt.Origin.ISSUED:
            return None
        # The replacement is written in the same transaction: cancelled and replaced, or neither.
        if receipt.kind == TaxReceipt.Kind.EMPLOYEE:
            return issue_employee_receipt(
                association=receipt.association,
                donor=receipt.donor,
                year=receipt.year,
                by=by,
                replaces=receipt,
            )
        return issue_company_receipt(
            association=receipt.association,
            company=receipt.company,
            start=receipt.period_start,
            end=receipt.period_end,
            by=by,
            replaces=receipt,
        )


def upload_own_receipt(
    *,
    association,
    year: int,
    batch: str,
    own_reference: str,
    pdf,
    by=None,
) -> TaxReceipt:
    """File the association's own receipt for one batch of the year's gifts.

    `batch` names what it covers: "employee:<profile id>" (that donor's gifts of the year) or
    "company:<company id>" (that company's gifts of the year). The amount is Cordée's total for
    that batch, so the summary and the donor's page agree with the money.
    """
    if settings_of(association).mode != ReceiptSettings.Mode.OWN:
        raise ReceiptError(_("This association lets Cordée issue its receipts."))
    if pdf.size > RECEIPT_UPLOAD_MAX_BYTES:
        raise ReceiptError(_("The receipt file must be under 5 MB."))
    head = pdf.read(5)
    pdf.seek(0)
    if head != b"%PDF-":
        raise ReceiptError(_("The receipt must be a PDF file."))
    own_reference = own_reference.strip()
    if not own_reference:
        raise ReceiptError(_("Give the receipt's number in your own numbering."))
    kind, _sep, raw_id = batch.partition(":")
    if not raw_id.isdigit() or kind not in ("employee", "company"):
        raise ReceiptError(_("Choose whose gifts the receipt covers."))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "employee":
        found = reads.employee_gifts(
            association_id=association.pk, year=year, donor_id=int(raw_id)
        ).get(int(raw_id))
        donor = EmployeeProfile.objects.select_related("company").filter(pk=raw_id).first()
        company = donor.company if donor else None
        content = {"donor": {"name": donor.display_name} if donor else {}}
    else:
        found = reads.company_gifts(
            association_id=association.pk, start=start, end=end, company_id=int(raw_id)
        ).get(int(raw_id))
        donor = None
        company = Company.objects.filter(pk=raw_id).first()
        content = {}
    if found is None or company is None:
        raise ReceiptError(
            _("Nobody in that batch gave to the association in %(year)s.") % {"year": year}
        )
    live = TaxReceipt.objects.filter(
        association=association, kind=kind, year=year, status=TaxReceipt.Status.ISSUED
    )
    live = live.filter(donor=donor) if donor else live.filter(company=company, donor=None)
    if live.filter(period_start=start, period_end=end).exists() or (donor and live.exists()):
        raise ReceiptError(_("A receipt for these gifts is already filed: cancel it first."))
    with transaction.atomic():
        receipt = TaxReceipt(
            association=association,
            kind=kind,
            origin=TaxReceipt.Origin.UPLOADED,
            year=year,
            own_reference=own_reference[:60],
            company=company,
            donor=donor,
            period_start=start,
            period_end=end,
            amount_cents=found.total_cents,
            currency=company.currency,
            issued_at=timezone.now(),
            issued_by=by,
            content=content,
        )
        receipt.pdf.save(f"recu-{association.pk}-{year}-{raw_id}.pdf", pdf, save=False)
        receipt.save()
        log_action(
            action="receipts.uploaded",
            obj=receipt,
            actor=by,
            company=company,
            data={"reference": receipt.own_reference, "amount_cents": receipt.amount_cents},
        )
    return receipt


def save_donor_address(
    *, profile: EmployeeProfile, street: str, postcode: str, city: str, country: str
) -> DonorAddress:
    address, _created = DonorAddress.objects.update_or_create(
        profile=profile,
        defaults={
            "street": street.strip(),
            "postcode": postcode.strip(),
            "city": city.strip(),
            "country": country.strip() or "France",
        },
    )
    return address
