"""URLs of giving, mounted at /giving/."""

from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("", views.giving_home, name="home"),
    path("pledge/", views.pledge_edit, name="pledge"),
    path("pledge/stop/", views.pledge_stop, name="pledge_stop"),
    path("give/", views.card_donation, name="card"),
    path("give/<int:pk>/pay/", views.card_pay, name="card_pay"),
    path("give/<int:pk>/done/", views.card_done, name="card_done"),
    path("statement/<int:year>/", views.statement, name="statement"),
    path("payroll/", views.payroll_runs, name="payroll_runs"),
    path("payroll/<int:pk>/", views.payroll_run, name="payroll_run"),
    path("payroll/<int:pk>/progress/", views.payroll_run_progress, name="payroll_run_progress"),
    path("payroll/<int:pk>/export/", views.payroll_run_export, name="payroll_run_export"),
    path("payroll/<int:pk>/confirm/", views.payroll_run_confirm, name="payroll_run_confirm"),
    path("payroll/<int:pk>/adjust/", views.payroll_run_adjust, name="payroll_run_adjust"),
    path("round-up/", views.round_up_settings, name="round_up_settings"),
    path("finance/", views.finance, name="finance"),
    path("finance/disburse/", views.disbursement_create, name="disbursement_create"),
    path("finance/batches/<int:pk>/paid/", views.disbursement_paid, name="disbursement_paid"),
    path("webhooks/payments/", views.payment_webhook, name="payment_webhook"),
]
