"""URLs of giving, mounted at /giving/."""

from django.urls import path

from donations.views import finance, giving, payroll, rules, webhooks

app_name = "donations"

urlpatterns = [
    path("", giving.giving_home, name="home"),
    path("pledge/", giving.pledge_edit, name="pledge"),
    path("pledge/stop/", giving.pledge_stop, name="pledge_stop"),
    path("give/", giving.card_donation, name="card"),
    path("give/<int:pk>/pay/", giving.card_pay, name="card_pay"),
    path("give/<int:pk>/done/", giving.card_done, name="card_done"),
    path("give/<int:pk>/demo-pay/", giving.card_pay_simulated, name="card_pay_simulated"),
    path("statement/<int:year>/", giving.statement, name="statement"),
    path("payroll/", payroll.payroll_runs, name="payroll_runs"),
    path("payroll/<int:pk>/", payroll.payroll_run, name="payroll_run"),
    path("payroll/<int:pk>/progress/", payroll.payroll_run_progress, name="payroll_run_progress"),
    path("payroll/<int:pk>/export/", payroll.payroll_run_export, name="payroll_run_export"),
    path("payroll/<int:pk>/confirm/", payroll.payroll_run_confirm, name="payroll_run_confirm"),
    path(
        "payroll/<int:pk>/recompute/", payroll.payroll_run_recompute, name="payroll_run_recompute"
    ),
    path(
        "payroll/<int:pk>/missing.csv", payroll.payroll_run_missing_csv, name="payroll_run_missing"
    ),
    path("payroll/<int:pk>/errors.csv", payroll.payroll_run_errors_csv, name="payroll_run_errors"),
    path("payroll/<int:pk>/adjust/", payroll.payroll_run_adjust, name="payroll_run_adjust"),
    path("round-up/", payroll.round_up_settings, name="round_up_settings"),
    path("finance/", finance.finance, name="finance"),
    path("finance/disburse/", finance.disbursement_create, name="disbursement_create"),
    path("finance/batches/<int:pk>/paid/", finance.disbursement_paid, name="disbursement_paid"),
    path("rules/matching/", rules.policy_list, name="rules_policies"),
    path("rules/matching/new/", rules.policy_create, name="rules_policy_create"),
    path("rules/matching/<int:pk>/", rules.policy_edit, name="rules_policy_edit"),
    path("rules/pledge-bounds/", rules.pledge_bounds, name="rules_pledge_bounds"),
    path("refunds/", rules.refund_list, name="rules_refunds"),
    path("refunds/<int:pk>/", rules.refund_confirm, name="rules_refund"),
    path("webhooks/payments/", webhooks.payment_webhook, name="payment_webhook"),
]
