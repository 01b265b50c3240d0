# Two commands for a fresh machine: `make run` (the portal with demo data, SQLite, e-mails on the
# console) and `make test` (the whole suite against PostgreSQL and Redis, browsers included).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/bigbuyers
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: run test lint services install node-tools chromium gettext start-services check-deploy bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch node_modules/.installed

node-tools: node_modules/.installed

# Debian's Chromium for the browser tests (Playwright drives it; its own browser download cannot work here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# GNU gettext: msgfmt checks the translation catalogues in the tests (and compilemessages needs it).
gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing GNU gettext for the translation checks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# Start PostgreSQL and Redis when they are down (the machine's own services: a Debian cluster, a plain redis-server).
start-services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; sleep 2; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

run: $(STAMP)
	DEBUG=1 CACHE_BACKEND=locmem CELERY_TASK_ALWAYS_EAGER=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 CACHE_BACKEND=locmem CELERY_TASK_ALWAYS_EAGER=1 $(BIN)/python manage.py load_demo
	DEBUG=1 CACHE_BACKEND=locmem CELERY_TASK_ALWAYS_EAGER=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) node-tools chromium gettext start-services
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=bigbuyers.test_settings
	$(BIN)/bandit --quiet --recursive --severity-level medium bigbuyers surveys groups communities
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_TEST) $(BIN)/python -m pytest -p no:cacheprovider

# ruff over the app code, tests and bench, and mypy (django-stubs) over the apps; rules in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Production-like: gunicorn, a Celery worker (both queues) and Celery beat against PostgreSQL and Redis; the
# worker and beat are started again when they exit (bin/keep-running). Migrations run without a statement
# timeout (an index on a big table may take longer than DATABASE_STATEMENT_TIMEOUT).
services: $(STAMP) start-services
	@test -n "$$SECRET_KEY" || { echo "Set SECRET_KEY (50+ characters), ALLOWED_HOSTS and DATABASE_URL first; see README."; exit 2; }
	DATABASE_STATEMENT_TIMEOUT=0 $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start -f Procfile

bench: $(STAMP)
	$(BIN)/python bench/matching.py --quick

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media db.sqlite3
