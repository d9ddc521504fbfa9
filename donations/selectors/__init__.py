"""Reads of the donations app, also what other apps import (`from donations import selectors`).

- `campaigns`: campaigns of a company, those open today, and their progress;
- `giving`: gift history, runs, counted gifts and active matches, money per association and month;
- `refunds`: refunded and disputed amounts per association (the money trail);
- `rules`: the CSR officers' matching policies, fixed-pledge bounds and card refunds;
- `payroll` (imported as a module): a run before confirmation: staleness, the confirmation
  summary, missing pledgers, a refused file's errors.
"""

from donations.selectors.campaigns import (
    CampaignProgress,
    campaign_results,
    campaigns_between,
    campaigns_of,
    open_campaigns,
    progress_of,
    progress_of_all,
)
from donations.selectors.giving import (
    AssociationMonth,
    AssociationTotal,
    GivingSummary,
    active_matches,
    card_associations,
    counted_donations,
    deductions_of,
    gifts_of,
    money_by_association_month,
    open_dispute,
    owed_donations,
    owed_matches,
    round_up_associations,
    runs_of,
    summary_of,
)
from donations.selectors.refunds import AssociationRefunds, refunds_by_association
from donations.selectors.rules import (
    card_donations_of,
    disputes_of,
    fixed_pledges_outside,
    policies_of,
    policy_summary,
    refund_requests,
)

__all__ = [
    "AssociationMonth",
    "AssociationRefunds",
    "AssociationTotal",
    "CampaignProgress",
    "GivingSummary",
    "active_matches",
    "campaign_results",
    "campaigns_between",
    "campaigns_of",
    "card_associations",
    "card_donations_of",
    "counted_donations",
    "deductions_of",
    "disputes_of",
    "fixed_pledges_outside",
    "gifts_of",
    "money_by_association_month",
    "open_campaigns",
    "open_dispute",
    "owed_donations",
    "owed_matches",
    "policies_of",
    "policy_summary",
    "progress_of",
    "progress_of_all",
    "refund_requests",
    "refunds_by_association",
    "round_up_associations",
    "runs_of",
    "summary_of",
]
