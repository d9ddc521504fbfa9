"""Models of the donations app; `from donations.models import X` reaches every public name.

- `payroll`: giving settings, round-up associations, pledges and their allocations, payroll runs;
- `gifts`: donations (payroll or card), card payment attempts, Stripe events, matching;
- `refunds`: partial or full refunds of card gifts, and disputes (chargebacks);
- `campaigns`: giving and volunteering campaigns (dates, goal, match terms overriding the policy);
- `company_gifts`: the company's own gifts (skills sponsorship, leave days, grants, votes);
- `leave_days`: employees' leave-day donation requests (loi 2024-344);
- `disbursements`: what is paid to each association, and the audit log of the money;
- `ledger`: the turnover and tax due the company enters for its mécénat ledger;
- `receipts`: tax receipts, their numbering, the associations' receipt settings, donors' addresses;
- `community`: volunteer grant policies, staff votes and their ballots.
"""

from donations.models.campaigns import Campaign
from donations.models.community import Ballot, BallotChoice, GrantPolicy, StaffVote
from donations.models.company_gifts import CompanyGift
from donations.models.disbursements import AuditEntry, Disbursement, DisbursementBatch
from donations.models.gifts import Donation, Match, MatchingPolicy, PaymentAttempt, StripeEvent
from donations.models.leave_days import LeaveDayRequest
from donations.models.ledger import CompanyFiscalYear
from donations.models.payroll import (
    CONSENT_TEXT_VERSION,
    GivingSettings,
    PayrollLine,
    PayrollRun,
    Pledge,
    PledgeAllocation,
    RoundUpAssociation,
)
from donations.models.receipts import (
    DELEGATION_TEXT_VERSION,
    DonorAddress,
    ReceiptCounter,
    ReceiptSettings,
    TaxReceipt,
)
from donations.models.refunds import Dispute, Refund

__all__ = [
    "CONSENT_TEXT_VERSION",
    "DELEGATION_TEXT_VERSION",
    "AuditEntry",
    "Ballot",
    "BallotChoice",
    "Campaign",
    "CompanyFiscalYear",
    "CompanyGift",
    "Disbursement",
    "DisbursementBatch",
    "Dispute",
    "Donation",
    "DonorAddress",
    "GivingSettings",
    "GrantPolicy",
    "LeaveDayRequest",
    "Match",
    "MatchingPolicy",
    "PaymentAttempt",
    "PayrollLine",
    "PayrollRun",
    "Pledge",
    "PledgeAllocation",
    "ReceiptCounter",
    "ReceiptSettings",
    "Refund",
    "RoundUpAssociation",
    "StaffVote",
    "StripeEvent",
    "TaxReceipt",
]
