"""Signed webhook bodies that used to end in a 500: refused with 400, nothing stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from donations.models import StripeEvent
from tests.donations.stripe_fakes import event_payload, sign

SECRET = "whsec_test_bodies"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_cordee"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    # Never reached: every body below is refused before the provider is asked anything.
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"


def deliver(payload: bytes):
    return Client(raise_request_exception=True).post(
        reverse("donations:payment_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )


def unknown_object(event_id: str) -> bytes:
    return event_payload(event_id, "customer.created", {"id": "cus_1", "object": "customer"})


@pytest.mark.django_db
def test_event_id_over_120_characters_is_refused(stripe_settings):
    response = deliver(unknown_object("evt_" + "x" * 200))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_event_id_with_a_nul_byte_is_refused(stripe_settings):
    response = deliver(unknown_object("evt_abc\x00def"))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_object_id_with_a_nul_byte_is_refused(stripe_settings):
    payload = event_payload("evt_ok", "charge.refunded", {"id": "ch_\x00", "object": "charge"})
    assert deliver(payload).status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_deeply_nested_json_is_refused(stripe_settings):
    depth = 200_000
    payload = (
        b'{"id": "evt_deep", "type": "customer.created", "data": {"object": '
        + b"[" * depth
        + b"]" * depth
        + b"}}"
    )
    response = deliver(payload)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_non_string_event_id_is_refused(stripe_settings):
    body = {"id": {"nested": 1}, "type": "customer.created", "data": {"object": {}}}
    assert deliver(json.dumps(body).encode()).status_code == 400


@pytest.mark.django_db
def test_a_well_formed_id_of_120_characters_is_stored(stripe_settings):
    event_id = "evt_" + "a" * 116
    response = deliver(unknown_object(event_id))
    assert response.status_code == 200
    assert StripeEvent.objects.filter(event_id=event_id).exists()
