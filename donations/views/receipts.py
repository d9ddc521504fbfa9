"""Tax receipts for employees (their own, and their address) and for the company's officers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from donations.forms import DonorAddressForm
from donations.models import DonorAddress, TaxReceipt
from donations.selectors import receipts as reads
from donations.services import receipts as service
from portal.downloads import private_download
from portal.tenancy import require_profile


def _download(receipt: TaxReceipt):
    return private_download(
        receipt.pdf.open("rb"), filename=receipt.filename, content_type="application/pdf"
    )


@login_required
def my_receipts(request: HttpRequest) -> HttpResponse:
    """The employee's receipts, and the postal address the receipts print."""
    profile = require_profile(request.user)
    address = DonorAddress.objects.filter(profile=profile).first()
    initial = (
        {
            "street": address.street,
            "postcode": address.postcode,
            "city": address.city,
            "country": address.country,
        }
        if address
        else None
    )
    form = DonorAddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service.save_donor_address(profile=profile, **form.cleaned_data)
        messages.success(request, _("Your address is saved for your next tax receipts."))
        return redirect("donations:receipts")
    return render(
        request,
        "donations/receipts/mine.html",
        {"receipts": reads.receipts_of_employee(profile), "form": form, "address": address},
    )


@login_required
def my_receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    profile = require_profile(request.user)
    receipt = TaxReceipt.objects.filter(pk=pk, donor=profile).first()
    if receipt is None:
        raise Http404
    return _download(receipt)


def _require_company_receipt_reader(user):
    """CSR officers, executives and payroll officers see the company's receipts; others 404."""
    profile = require_profile(user)
    if not (profile.is_csr_officer or profile.is_executive or profile.is_payroll_officer):
        raise Http404
    return profile


@login_required
def company_receipts(request: HttpRequest) -> HttpResponse:
    profile = _require_company_receipt_reader(request.user)
    return render(
        request,
        "donations/receipts/company.html",
        {"receipts": reads.receipts_of_company(profile.company), "company": profile.company},
    )


@login_required
def company_receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _require_company_receipt_reader(request.user)
    receipt = TaxReceipt.objects.filter(
        pk=pk, company=profile.company, kind=TaxReceipt.Kind.COMPANY
    ).first()
    if receipt is None:
        raise Http404
    return _download(receipt)
