"""Domain errors of giving, raised by services and turned into messages by views."""

from __future__ import annotations

from dataclasses import dataclass


class GivingError(Exception):
    """Base of every giving rule broken by a request."""


class InvalidPledge(GivingError):
    pass


class PayrollRunLocked(GivingError):
    """The run is exported or confirmed: it no longer changes."""


class PayrollRunNotReady(GivingError):
    """A step needs an earlier one first (preview before export, export before confirm)."""


class InvalidAdjustment(GivingError):
    pass


class InvalidCardDonation(GivingError):
    pass


class PaymentProviderError(GivingError):
    """The payment provider refused or could not be reached."""


class InvalidWebhook(GivingError):
    """Bad signature, stale timestamp or unreadable body."""


@dataclass(frozen=True)
class FileError:
    """One problem of an uploaded net-pay file: where (line, field) and why."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class InvalidPayrollFile(GivingError):
    """The net-pay file has errors; nothing was written."""

    def __init__(self, errors: list[FileError], *, excludable: bool = True):
        super().__init__(f"{len(errors)} error(s) in the net-pay file")
        self.errors = errors
        # File-level problems (encoding, header) cannot be fixed by excluding lines.
        self.excludable = excludable
