"""One-click approval links: signed, expiring, single-use, bound to one approver and one request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from missions.exceptions import InvalidApprovalLink
from missions.models import Enrolment, EnrolmentStatus
from missions.services.enrolment import approval_window, approvers_of, decide
from portal.models import EmployeeProfile

SALT = "missions.approval-link"
ACTIONS = ("approve", "decline")


def link_max_age() -> dt.timedelta:
    # A little beyond the request's own deadline: past it the service answers "expired", which
    # says more than "invalid link".
    return approval_window() + dt.timedelta(days=1)


def make_token(*, enrolment: Enrolment, approver: EmployeeProfile, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    payload = {"e": enrolment.pk, "a": approver.pk, "d": action, "n": enrolment.approval_nonce}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def approval_links(enrolment: Enrolment) -> list[tuple[EmployeeProfile, dict[str, str]]]:
    """For each person who may decide, their own approve and decline URLs (paths)."""
    links = []
    for approver in approvers_of(enrolment.employee):
        links.append(
            (
                approver,
                {
                    action: reverse(
                        "missions:approval_link",
                        args=[make_token(enrolment=enrolment, approver=approver, action=action)],
                    )
                    for action in ACTIONS
                },
            )
        )
    return links


@dataclass(frozen=True)
class ApprovalLink:
    enrolment: Enrolment
    approver: EmployeeProfile
    action: str


def read_token(token: str) -> ApprovalLink:
    """The request a link points at, if the link is genuine, fresh and unused."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=link_max_age())
        enrolment_id, approver_id = int(payload["e"]), int(payload["a"])
        action, nonce = payload["d"], str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidApprovalLink from None
    if action not in ACTIONS or not nonce:
        raise InvalidApprovalLink
    enrolment = (
        Enrolment.objects.select_related("employee__user", "session__mission__association")
        .filter(pk=enrolment_id)
        .first()
    )
    approver = EmployeeProfile.objects.filter(pk=approver_id).select_related("user").first()
    if enrolment is None or approver is None:
        raise InvalidApprovalLink
    # The nonce changes with every decision: a used link, or one from an earlier request for
    # the same seat, no longer matches.
    if enrolment.approval_nonce != nonce or enrolment.status != EnrolmentStatus.PENDING_APPROVAL:
        raise InvalidApprovalLink
    return ApprovalLink(enrolment=enrolment, approver=approver, action=action)


def decide_by_link(*, token: str, reason: str = "") -> Enrolment:
    """Apply the decision a link carries, as its approver. Used or tampered links do nothing."""
    link = read_token(token)
    return decide(
        approver=link.approver,
        enrolment_id=link.enrolment.pk,
        approve=link.action == "approve",
        reason=reason,
        link_nonce=link.enrolment.approval_nonce,
    )
