"""Domain errors of giving, raised by services and turned into messages by views."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _


def _interpolate(message, params: dict) -> str:
    return str(message) % params


# A translatable message with named placeholders, translated then filled in the language active
# when it is shown (not when it is raised): `interpolate_lazy(_("line %(line)s"), {"line": 3})`.
interpolate_lazy = lazy(_interpolate, str)


class GivingError(Exception):
    """Base of every giving rule broken by a request."""


class InvalidPledge(GivingError):
    pass


class MissingEmployeeNumber(InvalidPledge):
    """Payroll files match people by employee number: without one a pledge is never collected."""


class PayrollRunLocked(GivingError):
    """The run is exported or confirmed: it no longer changes."""


class PayrollRunNotReady(GivingError):
    """A step needs an earlier one first (preview before export, export before confirm)."""


class PayrollRunStale(GivingError):
    """A pledge changed since the run's preview was computed: recompute before going on."""


class InvalidAdjustment(GivingError):
    pass


class InvalidCardDonation(GivingError):
    pass


class PaymentProviderError(GivingError):
    """The payment provider refused or could not be reached."""


class InvalidWebhook(GivingError):
    """Bad signature, stale timestamp or unreadable body."""


# What `FileError.field` names, for people: the codes themselves stay stable for code and tests.
FILE_ERROR_FIELDS = {
    "employee_number": _("employee number"),
    "net_pay": _("net pay"),
    "row": _("row"),
    "file": _("file"),
    "encoding": _("encoding"),
    "header": _("header"),
}


@dataclass(frozen=True)
class FileError:
    """One problem of an uploaded net-pay file: where (line, field) and why.

    `field` is a code (employee_number, net_pay, row, file, encoding, header), `field_label` its
    translated name; `message` is a lazy translatable string, rendered in the reader's language.
    """

    line: int
    field: str
    message: str

    @property
    def field_label(self) -> str:
        return FILE_ERROR_FIELDS.get(self.field, self.field)

    def __str__(self) -> str:
        return gettext("line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field_label,
            "message": self.message,
        }


class InvalidPayrollFile(GivingError):
    """The net-pay file has errors; nothing was written."""

    def __init__(self, errors: list[FileError], *, excludable: bool = True):
        count = len(errors)
        super().__init__(
            interpolate_lazy(
                ngettext_lazy(
                    "%(count)s error in the net-pay file",
                    "%(count)s errors in the net-pay file",
                    count,
                ),
                {"count": count},
            )
        )
        self.errors = errors
        # File-level problems (encoding, header) cannot be fixed by excluding lines.
        self.excludable = excludable


class AmbiguousPayrollColumns(InvalidPayrollFile):
    """Two header columns fit one field (e.g. "Salaire net" and "Net à payer"): the officer
    chooses; `columns` are the file's own header names, `keys` their normalised forms."""

    def __init__(self, *, field: str, columns: list[str], keys: list[str], line: int = 1):
        message = interpolate_lazy(
            _("%(columns)s could each be the %(field)s: choose one"),
            {"columns": " / ".join(f"« {c} »" for c in columns), "field": FILE_ERROR_FIELDS[field]},
        )
        super().__init__([FileError(line, "header", message)], excludable=False)
        self.field = field
        self.columns = columns
        self.keys = keys

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(normalised key, the file's header) for each candidate column."""
        return list(zip(self.keys, self.columns, strict=True))

    @property
    def field_label(self) -> str:
        return FILE_ERROR_FIELDS[self.field]


class LeaveDayError(GivingError):
    """A leave-day donation request breaks a rule (limit, association, state)."""


class LeaveDayLimitReached(LeaveDayError):
    """More working days than the yearly cap (D3142-82), counting requested and accepted days."""


class MissingPayData(LeaveDayError):
    """No pay is known for the employee on the day: a leave day cannot be valued."""


class ReceiptError(GivingError):
    """A tax receipt cannot be issued, uploaded or cancelled as asked."""
