"""The payment provider's webhook: verified by the provider, recorded by the card service."""

from __future__ import annotations

import logging

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations.exceptions import InvalidWebhook, PaymentProviderError
from donations.payments import get_provider
from donations.services import cards

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest) -> HttpResponse:
    """Verified, stored once, retry-safe; unknown objects are acknowledged with 200."""
    provider = get_provider()
    try:
        body = request.body
    except RawPostDataException:
        # A multipart form, already parsed by the input checks: no provider sends one.
        return HttpResponseBadRequest("invalid webhook")
    try:
        event = provider.parse_webhook(body, request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook as exc:
        logger.warning("webhook refused: %s", exc)
        return HttpResponseBadRequest("invalid webhook")
    try:
        outcome = cards.handle_provider_event(event, provider=provider)
    except PaymentProviderError as exc:
        # The object could not be re-read: nothing was stored, the provider will retry.
        logger.warning("webhook %s %s: provider unavailable: %s", event.id, event.type, exc)
        return HttpResponse("retry later", status=503, content_type="text/plain")
    logger.info("webhook %s %s: %s", event.id, event.type, outcome)
    return HttpResponse(outcome, content_type="text/plain")
