# Conversation Outcomes: the commands a newcomer and CI need. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PYTEST_FLAGS ?=
# E2E=skip leaves the browser tests out of `make test` (CI runs them once, on PostgreSQL).
E2E ?= run

# The first interpreter that actually runs and is 3.12+: pyenv shims may exist and still fail,
# so candidates are run, not looked up. PYTHON=/path/to/python overrides.
FIND_PYTHON = for c in "$$PYTHON" $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r) python3.13 python3.12 python3; do \
	  [ -n "$$c" ] || continue; \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
	done; exit 1

.PHONY: help
help: ## List the commands
	@grep -hE '^[a-z-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@py=$$($(FIND_PYTHON)) || { echo "No Python 3.12+ found. Install one, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  rm -rf $(VENV); "$$py" -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install the locked dependencies

.PHONY: run
run: install ## Install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@# The task worker (large CSV exports, report e-mails) and the scheduler (enqueues periodic
	@# work such as the 07:00 report e-mails) run beside the server and stop with it.
	@export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	echo "Serving on http://127.0.0.1:$(PORT)/ with a task worker and a scheduler (Ctrl+C to stop)"; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

.PHONY: test
test: install ## The whole test suite (browser tests too, unless E2E=skip)
	OUTCOMES_TESTING=1 $(BIN)/python -m pytest $(PYTEST_FLAGS)
ifneq ($(E2E),skip)
	$(MAKE) --no-print-directory e2e
endif

.PHONY: e2e
e2e: install ## Browser tests (Playwright + Debian chromium); REQUIRE_BROWSER=1 fails if it is missing
	OUTCOMES_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_FLAGS)

.PHONY: deploy-test
deploy-test: install ## gunicorn behind deploy/nginx.conf: slow clients, rate limit across workers (needs nginx, Redis)
	OUTCOMES_TESTING=1 $(BIN)/python -m pytest -m deploy tests/deploy $(PYTEST_FLAGS)

.PHONY: screenshots
screenshots: install ## The three journeys in a browser: screenshots (desktop, narrow) and axe results in test-artifacts/
	rm -rf test-artifacts/screenshots test-artifacts/axe
	OUTCOMES_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m e2e tests/e2e/test_journeys.py $(PYTEST_FLAGS)
	@echo "Screenshots: test-artifacts/screenshots/  Accessibility (axe): test-artifacts/axe/"

.PHONY: lint
lint: install ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: install ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: serve
serve: install ## gunicorn with production settings (DEBUG off), for a realistic local run
	@export SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" DEBUG=0; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input -v0 && \
	exec $(BIN)/gunicorn outcomes_site.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

.PHONY: scorecard
scorecard: install ## Reliability and security scorecard (matrix, bad inputs, load, faults, scan, bandit): one JSON
	$(BIN)/python .ci/scorecard/scorecard.py

.PHONY: deploy-check
deploy-check: install ## manage.py check --deploy under production settings
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	SECRETS_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	DEBUG=0 PRODUCTION=1 ALLOWED_HOSTS=outcomes.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

.PHONY: bench
bench: install ## Benchmarks on the local PostgreSQL (BENCH_SCALE=1000000: reports at 1M conversations; bench/README.md)
	@sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	command -v wrk >/dev/null 2>&1 || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq wrk >/dev/null; }; \
	command -v pg_ctlcluster >/dev/null 2>&1 || $$sudo apt-get install -y -qq postgresql >/dev/null; \
	pg_isready -q -h 127.0.0.1 -p 5432 || { $$sudo pg_ctlcluster --skip-systemctl-redirect \
	  "$$(ls /etc/postgresql | sort -V | tail -n 1)" main start && sleep 3; }
	@status=0; \
	$(BIN)/python bench/requests.py $(BENCH_FLAGS) || status=1; \
	$(BIN)/python bench/reports_scale.py --database postgresql \
	  --conversations "$${BENCH_SCALE:-100000}" --agents 500 --probe || status=1; \
	exit $$status
