"""URLs of giving, mounted at /giving/."""

from django.urls import path

from donations import rules_views, views

app_name = "donations"

urlpatterns = [
    path("", views.giving_home, name="home"),
    path("pledge/", views.pledge_edit, name="pledge"),
    path("pledge/stop/", views.pledge_stop, name="pledge_stop"),
    path("give/", views.card_donation, name="card"),
    path("give/<id:pk>/pay/", views.card_pay, name="card_pay"),
    path("give/<id:pk>/done/", views.card_done, name="card_done"),
    path("give/<id:pk>/demo-pay/", views.card_pay_simulated, name="card_pay_simulated"),
    path("statement/<year:year>/", views.statement, name="statement"),
    path("payroll/", views.payroll_runs, name="payroll_runs"),
    path("payroll/<id:pk>/", views.payroll_run, name="payroll_run"),
    path("payroll/<id:pk>/progress/", views.payroll_run_progress, name="payroll_run_progress"),
    path("payroll/<id:pk>/export/", views.payroll_run_export, name="payroll_run_export"),
    path("payroll/<id:pk>/confirm/", views.payroll_run_confirm, name="payroll_run_confirm"),
    path("payroll/<id:pk>/adjust/", views.payroll_run_adjust, name="payroll_run_adjust"),
    path("round-up/", views.round_up_settings, name="round_up_settings"),
    path("finance/", views.finance, name="finance"),
    path("finance/disburse/", views.disbursement_create, name="disbursement_create"),
    path("finance/batches/<id:pk>/paid/", views.disbursement_paid, name="disbursement_paid"),
    path("rules/matching/", rules_views.policy_list, name="rules_policies"),
    path("rules/matching/new/", rules_views.policy_create, name="rules_policy_create"),
    path("rules/matching/<id:pk>/", rules_views.policy_edit, name="rules_policy_edit"),
    path("rules/pledge-bounds/", rules_views.pledge_bounds, name="rules_pledge_bounds"),
    path("refunds/", rules_views.refund_list, name="rules_refunds"),
    path("refunds/<id:pk>/", rules_views.refund_confirm, name="rules_refund"),
    path("webhooks/payments/", views.payment_webhook, name="payment_webhook"),
]
