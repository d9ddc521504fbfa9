"""Models of the donations app; `from donations.models import X` reaches every public name.

- `payroll`: giving settings, round-up associations, pledges and their allocations, payroll runs;
- `gifts`: donations (payroll or card), card payment attempts, Stripe events, matching;
- `refunds`: partial or full refunds of card gifts, and disputes (chargebacks);
- `company_gifts`: the company's own gifts (skills sponsorship, leave days, grants, votes);
- `community`: volunteer grant policies, staff votes and their ballots;
- `disbursements`: what is paid to each association, and the audit log of the money.
"""

from donations.models.community import Ballot, BallotChoice, GrantPolicy, StaffVote
from donations.models.company_gifts import CompanyGift
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
from donations.models.refunds import Dispute, Refund

__all__ = [
    "CONSENT_TEXT_VERSION",
    "AuditEntry",
    "Ballot",
    "BallotChoice",
    "CompanyGift",
    "Disbursement",
    "DisbursementBatch",
    "Dispute",
    "Donation",
    "GivingSettings",
    "GrantPolicy",
    "Match",
    "MatchingPolicy",
    "PaymentAttempt",
    "PayrollLine",
    "PayrollRun",
    "Pledge",
    "PledgeAllocation",
    "Refund",
    "RoundUpAssociation",
    "StaffVote",
    "StripeEvent",
]
