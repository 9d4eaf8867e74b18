# Kalanso — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# "load" keeps pytest-django's order on every worker: transactional tests (which
# empty the database when they end) run after all the others.
PYTEST_ARGS ?= -n auto --dist load

# Locked dependencies (exact versions with hashes): requirements/dev.txt for
# development, tests and CI, requirements/base.txt for production. pyproject.toml
# keeps the ranges; `make lock` compiles them into these files.
LOCK := requirements/dev.txt
UV_COMPILE := $(BIN)/uv pip compile --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: run test install lock browser-deps offline-build vendor lint format messages compilemessages stack smoke bench bench-assessments bench-cascade bench-dashboard bench-dashboard-1m bench-certificates bench-stack clean

# Plain pip from the lock, so a machine with only Python needs nothing else.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP)

## Update the lock files after changing pyproject.toml (keeps the versions that
## still fit); `make lock LOCK_ARGS=--upgrade` takes the newest in the ranges.
# Not after `install`: its `pip check` fails while the lock lags pyproject.toml.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK); }
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -o $(LOCK)
	$(UV_COMPILE) pyproject.toml -c $(LOCK) -o requirements/base.txt

## Set up and run the site with demo content on SQLite: http://127.0.0.1:8000
run: install offline-build vendor
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_cascade
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Set up and run the whole test suite (DATABASE_URL picks PostgreSQL).
test: install browser-deps offline-build vendor
	$(BIN)/python manage.py compile_translations --check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Headless Chromium (Debian's) and axe-core (npm) for the browser tests.
browser-deps: node_modules/axe-core/axe.min.js
	@test -x /usr/bin/chromium || bash scripts/install-system-deps.sh chromium

# The SCORM runtime (scorm-again, MIT) served to SCORM packages, copied from
# node_modules (locked in package-lock.json) into static/vendor (not committed),
# without its source-map comment (the maps are not shipped).
SCORM_AGAIN := static/vendor/scorm-again
vendor: $(SCORM_AGAIN)/scorm12.min.js $(SCORM_AGAIN)/scorm2004.min.js $(SCORM_AGAIN)/LICENSE

$(SCORM_AGAIN)/%.min.js: node_modules/axe-core/axe.min.js
	@mkdir -p $(SCORM_AGAIN)
	sed '/^\/\/# sourceMappingURL=/d' node_modules/scorm-again/dist/$*.min.js > $@

$(SCORM_AGAIN)/LICENSE: node_modules/axe-core/axe.min.js
	@mkdir -p $(SCORM_AGAIN)
	cp node_modules/scorm-again/LICENSE $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || bash scripts/install-system-deps.sh npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The offline layer: frontend/offline bundled with esbuild into two static files,
# the service worker (Workbox) and the page script (idb). Not committed: built
# here, by `make run` and `make test` (CI), before collectstatic in production.
ESBUILD ?= node_modules/.bin/esbuild
OFFLINE_OUT := static/offline
ESBUILD_ARGS := --bundle --minify --target=es2020 --log-level=warning \
	'--define:process.env.NODE_ENV="production"'

offline-build: $(OFFLINE_OUT)/.built

$(OFFLINE_OUT)/.built: $(wildcard frontend/offline/*.js) node_modules/axe-core/axe.min.js
	$(ESBUILD) frontend/offline/page.js $(ESBUILD_ARGS) --format=esm --outfile=$(OFFLINE_OUT)/offline.js
	$(ESBUILD) frontend/offline/sw.js $(ESBUILD_ARGS) --format=iife --outfile=$(OFFLINE_OUT)/sw.js
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Extract UI strings into locale/fr (needs GNU gettext), then compile.
messages: install
	$(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compile_translations

compilemessages: install
	$(BIN)/python manage.py compile_translations

## The production stack on this machine (scripts/stack.py): PostgreSQL, Redis,
## gunicorn with 4 workers on production settings and the task worker, on
## http://127.0.0.1:8650 (STACK_PORT). Database: STACK_DATABASE_URL, by default
## postgres://postgres@127.0.0.1:5432/kalanso_stack (dropped and rebuilt);
## Redis: STACK_REDIS_URL (redis://127.0.0.1:6379/9). Ctrl-C stops it all.
stack: install offline-build vendor
	$(BIN)/python -m scripts.stack

## The same stack, a trainee's journey through it (scripts/smoke.py), then stop:
## exit status 1 when anything fails.
smoke: install offline-build vendor
	$(BIN)/python -m scripts.stack --smoke

## Benchmarks (production settings, gunicorn, wrk on loopback).
bench: install
	$(BIN)/python -m bench.run

bench-assessments: install
	$(BIN)/python -m bench.assessments

# Lineage over 100,000 participants on PostgreSQL (DATABASE_URL, by default
# postgres://postgres@127.0.0.1:5432/kalanso_bench, dropped and rebuilt).
bench-cascade: install
	$(BIN)/python -m bench.cascade

# Programme dashboard over 100,000 participants, 5,000 sessions and 20,000
# online attempts on PostgreSQL (DATABASE_URL, by default
# postgres://postgres@127.0.0.1:5432/kalanso_bench_dashboard, dropped and rebuilt).
bench-dashboard: install
	$(BIN)/python -m bench.dashboard

# The same at 1,000,000 participants, 50,000 sessions and 200,000 attempts
# (built with set-based SQL in a few minutes).
bench-dashboard-1m: install
	$(BIN)/python -m bench.dashboard --participants 1000000

# Certificate PDFs per second and a batch of 100 attendance certificates.
bench-certificates: install
	$(BIN)/python -m bench.certificates

# Load and faults on the production stack (exam rush, PostgreSQL restart,
# Redis stopped, task worker killed), on a PostgreSQL and a Redis of its own.
bench-stack: install
	$(BIN)/python -m bench.stack

clean:
	rm -rf $(VENV) node_modules staticfiles
