"""The CSR officer's home: what needs doing, the period's key figures, and every CSR tool."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.tenancy import require_csr_officer
from reporting import services
from reporting.selectors import csr_home


@login_required
@require_GET
def home(request):
    officer = require_csr_officer(request.user)
    period, tiles = csr_home.key_figures(officer)
    return render(
        request,
        "reporting/csr_home.html",
        {
            "company": officer.company,
            "todo": csr_home.todo_for(officer),
            "feedback": csr_home.unread_feedback(officer),
            "period": period,
            "tiles": tiles,
            "tools": csr_home.tools(),
        },
    )


@login_required
@require_POST
def feedback_read(request):
    officer = require_csr_officer(request.user)
    services.mark_feedback_read(officer=officer)
    return redirect("csr:home")
