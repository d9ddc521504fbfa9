"""URLs of giving, mounted at /giving/."""

from django.urls import path

from donations.views import (
    campaigns,
    campaigns_csr,
    community,
    community_csr,
    finance,
    giving,
    leave_days,
    ledger,
    payroll,
    receipts,
    rules,
    webhooks,
)

app_name = "donations"

urlpatterns = [
    path("", giving.giving_home, name="home"),
    path("pledge/", giving.pledge_edit, name="pledge"),
    path("pledge/stop/", giving.pledge_stop, name="pledge_stop"),
    path("give/", giving.card_donation, name="card"),
    path("give/<id:pk>/pay/", giving.card_pay, name="card_pay"),
    path("give/<id:pk>/done/", giving.card_done, name="card_done"),
    path("give/<id:pk>/demo-pay/", giving.card_pay_simulated, name="card_pay_simulated"),
    path("give/match/", giving.card_match, name="card_match"),
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns_csr.campaign_create, name="campaign_create"),
    path("campaigns/<id:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<id:pk>/edit/", campaigns_csr.campaign_edit, name="campaign_edit"),
    path("campaigns/<id:pk>/launch/", campaigns_csr.campaign_launch, name="campaign_launch"),
    path("statement/<year:year>/", giving.statement, name="statement"),
    path("receipts/", receipts.my_receipts, name="receipts"),
    path("receipts/<id:pk>/", receipts.my_receipt_download, name="receipt_download"),
    path("company-receipts/", receipts.company_receipts, name="company_receipts"),
    path(
        "company-receipts/<id:pk>/",
        receipts.company_receipt_download,
        name="company_receipt_download",
    ),
    path("payroll/", payroll.payroll_runs, name="payroll_runs"),
    path("payroll/<id:pk>/", payroll.payroll_run, name="payroll_run"),
    path("payroll/<id:pk>/progress/", payroll.payroll_run_progress, name="payroll_run_progress"),
    path("payroll/<id:pk>/export/", payroll.payroll_run_export, name="payroll_run_export"),
    path("payroll/<id:pk>/confirm/", payroll.payroll_run_confirm, name="payroll_run_confirm"),
    path("payroll/<id:pk>/recompute/", payroll.payroll_run_recompute, name="payroll_run_recompute"),
    path(
        "payroll/<id:pk>/missing.csv", payroll.payroll_run_missing_csv, name="payroll_run_missing"
    ),
    path("payroll/<id:pk>/errors.csv", payroll.payroll_run_errors_csv, name="payroll_run_errors"),
    path("payroll/<id:pk>/adjust/", payroll.payroll_run_adjust, name="payroll_run_adjust"),
    path(
        "payroll/<id:pk>/leave-days.csv",
        leave_days.payroll_run_leave_days_csv,
        name="payroll_run_leave_days",
    ),
    path("leave-days/", leave_days.leave_days_page, name="leave_days"),
    path("leave-days/<id:pk>/withdraw/", leave_days.leave_day_withdraw, name="leave_day_withdraw"),
    path("leave-days/requests/", leave_days.leave_requests, name="leave_requests"),
    path(
        "leave-days/requests/<id:pk>/", leave_days.leave_request_decide, name="leave_request_decide"
    ),
    path("round-up/", payroll.round_up_settings, name="round_up_settings"),
    path("finance/", finance.finance, name="finance"),
    path("finance/disburse/", finance.disbursement_create, name="disbursement_create"),
    path("finance/batches/<id:pk>/paid/", finance.disbursement_paid, name="disbursement_paid"),
    # The mécénat ledger (CSR officers and executives), per fiscal year.
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/<year:year>/", ledger.ledger, name="ledger_year"),
    path("ledger/<year:year>/figures/", ledger.ledger_figures, name="ledger_figures"),
    path("ledger/<year:year>/revalue/", ledger.ledger_revalue, name="ledger_revalue"),
    path("ledger/<year:year>/ledger.csv", ledger.ledger_csv, name="ledger_csv"),
    path("rules/matching/", rules.policy_list, name="rules_policies"),
    path("rules/matching/new/", rules.policy_create, name="rules_policy_create"),
    path("rules/matching/<id:pk>/", rules.policy_edit, name="rules_policy_edit"),
    path("rules/pledge-bounds/", rules.pledge_bounds, name="rules_pledge_bounds"),
    path("refunds/", rules.refund_list, name="rules_refunds"),
    path("refunds/<id:pk>/", rules.refund_confirm, name="rules_refund"),
    # Staff votes (employees) and their management, volunteer grants (CSR officers).
    path("votes/", community.vote_list, name="votes"),
    path("votes/manage/", community_csr.vote_manage, name="vote_manage"),
    path("votes/<id:pk>/", community.vote_detail, name="vote"),
    path("votes/<id:pk>/close/", community_csr.vote_close, name="vote_close"),
    path("grants/", community_csr.grant_policy, name="grant_policy"),
    path("grants/run/", community_csr.grant_run, name="grant_run"),
    path("webhooks/payments/", webhooks.payment_webhook, name="payment_webhook"),
]
