"""Reads that may go to a read replica: reporting's aggregates, never what a write depends on.

With `DATABASE_REPLICA_URL` set, the impact dashboard's and the report's figures (the heaviest
reads, which tolerate a replica's second of lag) are read from the replica inside
`replica_reads()`. Anything inside a transaction on the primary still reads the primary, so a
service never decides on stale rows; without a replica everything reads the primary.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("cordee_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(function):
    """Decorator form of `replica_reads()`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reading_from_replica.get()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


@contextmanager
def primary_reads() -> Iterator[None]:
    """Read the primary even inside `replica_reads()`: for rows this request has just written
    (a replica may not have them yet)."""
    token = _reading_from_replica.set(False)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)
