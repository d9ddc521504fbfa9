# Cordée: `make demo` serves the portal with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

# A Python >= 3.12: python3.13 / python3.12 on PATH, or one installed by pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; exit; fi; done; \
	  root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	  for d in $$(ls -d $$root/versions/3.1[2-9]* 2>/dev/null | sort -rV); do \
	    if [ -x $$d/bin/python3 ]; then echo $$d/bin/python3; exit; fi; done; \
	  if command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v python3; fi)

DEMO_ENV := DEBUG=true
TEST_ENV := CORDEE_TESTING=true
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo serve smoke-serve race loadtest test test-fast test-e2e lint format bench migrate seed messages clean help

help:
	@echo "make demo   set up and serve the portal with demo data on http://127.0.0.1:8000"
	@echo "make serve  the production topology (gunicorn, Celery worker and beat; DEBUG off) on DATABASE_URL and REDIS_URL"
	@echo "make test   set up and run the whole test suite but the browser tests (DATABASE_URL or SQLite)"
	@echo "make test-e2e  browser tests (Chromium + Playwright + axe-core)"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check, import contracts"
	@echo "make bench  print benchmark figures"

$(VENV)/bin/python:
	@if [ -z "$(PYTHON)" ]; then echo "Cordée needs Python 3.12 or newer: install python3.12 (or pyenv install 3.12) and retry." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e '.[test]'
	@touch $@ $(STAMP)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then $(DEMO_ENV) $(PY) manage.py compilemessages -v0 --ignore=.venv; \
	else echo "msgfmt not found (apt-get install gettext): French texts stay untranslated." >&2; fi

migrate: $(STAMP)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0

seed: migrate
	$(DEMO_ENV) $(PY) manage.py seed_demo

demo: seed
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The production topology: release steps, then gunicorn + Celery worker + Celery beat under honcho
# (Procfile), with DEBUG off, against the PostgreSQL and Redis of DATABASE_URL and REDIS_URL.
serve: $(STAMP) messages
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then \
	  echo "make serve needs DATABASE_URL (PostgreSQL) and REDIS_URL, e.g." >&2; \
	  echo "  DATABASE_URL=postgres://cordee@127.0.0.1:5432/cordee REDIS_URL=redis://127.0.0.1:6379/0 SECRET_KEY=... ALLOWED_HOSTS=cordee.example.org make serve" >&2; exit 2; fi
	@case "$${DATABASE_URL}" in postgres*) ;; *) echo "make serve runs on PostgreSQL: DATABASE_URL=postgres://..." >&2; exit 2;; esac
	@case "$${DEBUG:-false}" in [Ff]alse|0|off|no|"") ;; *) echo "make serve runs with DEBUG off; use make demo for development." >&2; exit 2;; esac
	DEBUG=false $(PY) manage.py migrate --noinput -v0
	DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	DEBUG=false $(PY) manage.py check --deploy --fail-level WARNING
	rm -rf var/prometheus && mkdir -p var/prometheus
	DEBUG=false PROMETHEUS_MULTIPROC_DIR="$(CURDIR)/var/prometheus" PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
	  DATABASE_CONN_MAX_AGE="$${DATABASE_CONN_MAX_AGE:-60}" \
	  exec $(VENV)/bin/honcho start --procfile Procfile --port $${PORT:-8000}

# Starts `make serve` on a fresh PostgreSQL database and Redis, signs in, enrols, has the worker
# build an impact report, and stops it (CI runs it).
smoke-serve: $(TEST_STAMP) messages
	$(PY) -m tools.serve_smoke

# The enrolment race against make serve: 200 signed-in employees, one session of 20 seats.
race: $(TEST_STAMP) messages
	$(PY) -m tools.race

# Load test: locust, headless, 100 users for 5 minutes against make serve on PostgreSQL + Redis
# with the demo data (LOADTEST_USERS, LOADTEST_SECONDS); fails on any failed request.
loadtest: $(TEST_STAMP) messages
	$(PY) -m tools.loadtest

# pytest's exit 5 (no test collected) stays a failure, with a line saying so.
NO_TESTS = if [ $$rc -eq 5 ]; then echo "pytest collected no test (exit 5): check PYTEST_ARGS and markers." >&2; fi; exit $$rc

# The whole suite but the browser tests, on 2 xdist workers (PYTEST_WORKERS=0 for one process).
test: $(TEST_STAMP)
	@rc=0; $(TEST_ENV) $(PY) -m pytest -p no:cacheprovider -n $${PYTEST_WORKERS:-2} -m "not e2e" $(PYTEST_ARGS) || rc=$$?; $(NO_TESTS)

# Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a downloaded
# browser); axe-core comes from npm. One process: the live server and its mail outbox are shared.
test-e2e: $(TEST_STAMP) $(AXE)
	@rc=0; $(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -p no:cacheprovider -m e2e $(PYTEST_ARGS) || rc=$$?; $(NO_TESTS)

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found (apt-get install npm): the accessibility checks will be skipped." >&2; fi

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(TEST_STAMP)
	$(TEST_ENV) $(PY) -m bench

clean:
	rm -rf $(VENV) var db.sqlite3 node_modules
