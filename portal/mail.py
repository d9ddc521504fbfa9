"""What every app's e-mails share: a switch that silences them for a block of work."""

from __future__ import annotations

import threading
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def suppressed():
    """No e-mail for what happens inside (demo data, bulk imports, benchmarks), from any app."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def is_suppressed() -> bool:
    return getattr(_state, "suppressed", False)
