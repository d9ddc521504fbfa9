"""The task queue: inline without a broker, and a real worker runs tasks through Redis."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from celery.result import allow_join_result

from portal.celery import app, ping

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number of its own, so the test never sees other users' keys.
REDIS_DB = int(os.environ.get("CORDEE_TEST_REDIS_DB", "13"))


def redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


def test_tasks_run_inline_without_a_broker():
    assert app.conf.task_always_eager
    # Celery's "inside a task" flag is process-global: eager tasks run by the threads of the
    # concurrency tests can leave it set, so the join is explicitly allowed here.
    with allow_join_result():
        assert ping.delay("hello").get(timeout=1) == "hello"


@pytest.mark.redis
@pytest.mark.skipif(not redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_real_worker_runs_ping_through_redis(tmp_path):
    broker = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    queue = f"cordee-test-{uuid.uuid4().hex}"  # only this worker consumes it
    env = {
        **os.environ,
        "CORDEE_TESTING": "true",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}@localhost",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery("cordee-test-client", broker=broker, backend=broker)
    try:
        result = client.send_task("portal.ping", args=["through redis"], queue=queue)
        with allow_join_result():  # see test_tasks_run_inline_without_a_broker
            assert result.get(timeout=60) == "through redis"
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        client.close()
    assert "Traceback" not in output, output


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("missions.send_enrolment_email", "mail"),
        ("donations.send_payroll_run_emails", "mail"),
        ("reporting.build_impact_report", "reports"),
        ("portal.build_personal_data_export", "reports"),
        ("missions.expire_overdue_requests", "celery"),
        ("portal.apply_departures", "celery"),
    ],
)
def test_tasks_go_to_the_queue_of_their_kind(task, queue):
    for module in ("portal.tasks", "missions.tasks", "donations.tasks", "reporting.tasks"):
        importlib.import_module(module)  # as the worker's autodiscovery does
    assert task in app.tasks  # a renamed task would silently fall back to the default queue
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue
