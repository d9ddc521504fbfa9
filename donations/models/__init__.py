"""Models of the donations app; `from donations.models import X` reaches every public name.

- `payroll`: giving settings, round-up associations, pledges and their allocations, payroll runs;
- `gifts`: donations (payroll or card), card payment attempts, Stripe events, matching;
- `disbursements`: what is paid to each association, and the audit log of the money.
"""

from donations.models.disbursements import AuditEntry, Disbursement, DisbursementBatch
from donations.models.gifts import Donation, Match, MatchingPolicy, PaymentAttempt, StripeEvent
from donations.models.payroll import (
    CONSENT_TEXT_VERSION,
    GivingSettings,
    PayrollLine,
    PayrollRun,
    Pledge,
    PledgeAllocation,
    RoundUpAssociation,
)

__all__ = [
    "CONSENT_TEXT_VERSION",
    "AuditEntry",
    "Disbursement",
    "DisbursementBatch",
    "Donation",
    "GivingSettings",
    "Match",
    "MatchingPolicy",
    "PaymentAttempt",
    "PayrollLine",
    "PayrollRun",
    "Pledge",
    "PledgeAllocation",
    "RoundUpAssociation",
    "StripeEvent",
]
