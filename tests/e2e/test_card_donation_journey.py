"""A card donation in a browser, paid against localstripe, recorded from its signed webhook.

localstripe serves a fake Stripe.js whose card element and 3-D Secure dialog run in the page.
What it does not fake is Stripe.js turning the card element into a PaymentMethod
(`createPaymentMethod` is a no-op there), so the test attaches that card with the SDK at the
point where Stripe.js would, and leaves the rest to the browser: the 3-D Secure dialog, the
confirmation call from the page to localstripe, localstripe's webhook to our server (signed
with the endpoint secret), our webhook re-reading the payment, and the page that waits for it.
"""

from __future__ import annotations

import re

import pytest
import stripe

from donations.models import Donation, Match, PaymentAttempt, StripeEvent
from tests.donations.helpers import this_year_policy
from tests.donations.stripe_fakes import use_localstripe
from tests.e2e.test_giving_journeys import sign_in
from tests.factories import make_association, make_employee

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # localstripe registers plain functions as aiohttp handlers.
    pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning"),
]

WEBHOOK_SECRET = "whsec_e2e_cordee"
# A test card that asks for 3-D Secure: localstripe then waits for the dialog in the page.
THREE_D_SECURE_CARD = "4000002500003155"


@pytest.fixture
def card_setup(company_a, settings, live_server):
    server = use_localstripe(settings, WEBHOOK_SECRET)
    server.register_webhook(f"{live_server.url}/giving/webhooks/payments/", WEBHOOK_SECRET)
    restos = make_association(title="Les Restos", tax_receipt_eligible=True)
    this_year_policy(company_a)
    make_employee(company_a, email="eve@alpha.example", first_name="Eve")
    sdk = stripe.StripeClient("sk_test_cordee", base_addresses={"api": server.url})
    yield {"restos": restos, "sdk": sdk}
    server.flush()


def start_payment(page, restos) -> str:
    """Fill the gift form and reach the card page; return the PaymentIntent's id."""
    sign_in(page, "eve@alpha.example")
    page.goto(f"/giving/give/?association={restos.pk}")
    page.get_by_label("Amount (€)").fill("25")
    page.get_by_label("I also cover the processing fees").check()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r".*/giving/give/\d+/pay/$"))
    page.get_by_role("heading", name="Card payment").wait_for()
    # localstripe's card element: one text input per card field.
    page.get_by_placeholder("number").fill(THREE_D_SECURE_CARD)
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("30")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("75011")
    secret = page.locator("#card-payment").get_attribute("data-client-secret")
    return re.match(r"^(pi_\w+?)_secret_", secret).group(1)


def attach_card(sdk, intent_id: str) -> None:
    """What Stripe.js does with the card element before it shows 3-D Secure."""
    method = sdk.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {
                "number": THREE_D_SECURE_CARD,
                "exp_month": 12,
                "exp_year": 2030,
                "cvc": "123",
            },
        }
    )
    sdk.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    assert sdk.v1.payment_intents.confirm(intent_id).status == "requires_action"


def test_card_donation_is_recorded_from_the_webhook(page, card_setup, axe_check):
    intent_id = start_payment(page, card_setup["restos"])
    assert axe_check(page) == []
    attach_card(card_setup["sdk"], intent_id)
    # Nothing is recorded before the bank says so.
    assert not Donation.objects.exists()

    page.get_by_role("button", name="Pay").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r".*/giving/give/\d+/done/$"))
    # The page waits for the webhook, then shows what it recorded.
    page.get_by_text("Payment received: thank you!").wait_for(timeout=20_000)
    assert page.get_by_text(re.compile(r"Your €25\.00 became €50\.00")).is_visible()
    assert page.csp_errors == []

    attempt = PaymentAttempt.objects.get()
    assert attempt.status == PaymentAttempt.Status.SUCCEEDED
    assert attempt.charged_cents == 2500 + attempt.fee_cents
    donation = Donation.objects.get()
    assert (donation.source, donation.amount_cents, donation.association_id) == (
        Donation.Source.CARD,
        2500,
        card_setup["restos"].pk,
    )
    assert donation.external_reference == intent_id
    assert Match.objects.get(donation=donation).amount_cents == 2500
    assert StripeEvent.objects.filter(object_id=intent_id).exists()

    page.goto("/giving/")
    assert page.get_by_text(re.compile(r"Your €25\.00 became €50\.00")).is_visible()


def test_failed_authentication_records_nothing(page, card_setup):
    intent_id = start_payment(page, card_setup["restos"])
    attach_card(card_setup["sdk"], intent_id)

    page.get_by_role("button", name="Pay").click()
    page.get_by_role("button", name="Fail authentication").click()
    page.get_by_role("alert").filter(has_text="authentication").wait_for()
    assert re.search(r"/giving/give/\d+/pay/$", page.url)
    assert page.get_by_role("button", name="Pay").is_enabled()
    assert not Donation.objects.exists()
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.PENDING
