# socialvalue: two commands for a newcomer (make run, make test) and a few for maintainers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DJANGO_DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers (pytest-xdist): one per core.
WORKERS ?= auto

.PHONY: install run test test-fast lint format check serve frontend lock clean bench

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "socialvalue needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12 (for example 'pyenv install 3.12'), or run: make PYTHON=python3.12 ..."; \
	  exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)
	@mkdir -p var

## Run the service on http://$(HOST):$(PORT) with demo data (SQLite unless DATABASE_URL is set),
## with the task worker and the scheduler beside it. Ctrl+C stops all three. Emails go to
## files in var/emails/; the worker's and scheduler's logs to var/log/.
run: install
	@mkdir -p var/emails var/log
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	@$(DEV_ENV) $(BIN)/python manage.py load_demo --no-logins
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; \
	  $(DEV_ENV) $(BIN)/python manage.py db_worker --interval 1 >>var/log/worker.log 2>&1 & \
	  $(DEV_ENV) $(BIN)/python manage.py crontask --no-heartbeat >>var/log/scheduler.log 2>&1 & \
	  $(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT) & \
	  for _ in $$(seq 1 60); do curl -sf -o /dev/null http://$(HOST):$(PORT)/healthz && break; sleep 1; done; \
	  echo; echo "Task worker and scheduler running (logs in var/log/); emails are written to var/emails/."; \
	  $(DEV_ENV) $(BIN)/python manage.py load_demo --logins-only; \
	  echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"; \
	  wait -n

## The whole suite, browser tests included (SQLite unless DATABASE_URL is set).
test: install
	$(BIN)/pytest -n $(WORKERS) -rs $(PYTEST_ARGS)

## The suite without the browser tests.
test-fast: install
	$(BIN)/pytest -n $(WORKERS) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Django's own checks: migrations up to date, and a production-like deploy check.
check: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  DJANGO_ALLOWED_HOSTS=socialvalue.example.org SOCIALVALUE_OPERATOR_NAME='Example Council' EMAIL_HOST=smtp.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## Production-style serving: gunicorn + WhiteNoise. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
serve: install
	$(BIN)/python manage.py collectstatic --no-input
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn socialvalue.wsgi:application --bind $(HOST):$(PORT) \
	  --workers $${WEB_CONCURRENCY:-2} --timeout $${GUNICORN_TIMEOUT:-600} --access-logfile - \
	  --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

## Rebuild the council-branded GOV.UK Frontend CSS and JS (needs npm to fetch the package).
frontend: install
	$(BIN)/python scripts/build_frontend.py

## Re-pin every dependency, with hashes, after editing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
	  -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## Benchmark the main pages with gunicorn on PostgreSQL (load data first: manage.py seed_scale).
bench: install
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to a PostgreSQL database with data (see README)."; exit 1; }
	DJANGO_DEBUG=true $(BIN)/python manage.py bench --json var/bench.json
