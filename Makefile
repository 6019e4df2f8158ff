# Samma Portal: `make run` serves the portal with demo content, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres venv system-deps migrate demo clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# The W3C Nu HTML checker for tests/test_html_validity.py, pinned by package-lock.json.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
# npm gives unpacked files a fixed 1985 date, hence the touch.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(VNU_JAR)

# Debian packages the suite needs: PostgreSQL 15 (with pg_trgm), Chromium for browser tests,
# Java and npm for the HTML checker.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql-15 postgresql-contrib"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (install them with apt-get as root)"; exit 2; \
	  fi; \
	fi

migrate: venv
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

run: demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite, then on a real PostgreSQL server started for the run.
test: venv system-deps $(VNU_JAR)
	@set -o pipefail; \
	$(MAKE) --no-print-directory test-sqlite 2>&1 | tee .test-sqlite.log; sqlite_status=$$?; \
	$(MAKE) --no-print-directory test-postgres 2>&1 | tee .test-postgres.log; pg_status=$$?; \
	echo; echo "== Test runs =="; \
	echo "SQLite:     $$(grep -E '(passed|failed|error)' .test-sqlite.log | grep -E '^=+ ' | tail -n 1 | sed 's/=//g')"; \
	echo "PostgreSQL: $$(grep -E '(passed|failed|error)' .test-postgres.log | grep -E '^=+ ' | tail -n 1 | sed 's/=//g')"; \
	rm -f .test-sqlite.log .test-postgres.log; \
	if [ $$sqlite_status -ne 0 ] || [ $$pg_status -ne 0 ]; then echo "FAILED"; exit 1; fi

test-sqlite: venv $(VNU_JAR)
	@echo "== Test suite on SQLite =="
	@env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "No tests were collected: that is a failure."; exit 1; fi; exit $$status

test-postgres: venv $(VNU_JAR)
	@echo "== Test suite on PostgreSQL =="
	@tests/with_postgres.sh $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "No tests were collected: that is a failure."; exit 1; fi; exit $$status

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles var .pytest_cache

# The benchmark (not part of `make test`): 1,000 and 100,000 articles on a throwaway
# PostgreSQL, pages served by gunicorn and loaded with wrk. ARGS=--large adds 1,000,000.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $(BENCH_STAMP)

.PHONY: bench
bench: venv system-deps $(BENCH_STAMP)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: apt-get install wrk"; exit 2; fi; }
	tests/with_postgres.sh $(PY) bench/run.py $(ARGS)

# The load test (not part of `make test`): anonymous readers and officers writing articles with
# photos at once, against gunicorn and a throwaway PostgreSQL, then a check that every accepted
# submission is whole in the database and on disk. LOADTEST_SECONDS=30 for a short run (default 120).
.PHONY: loadtest
loadtest: venv system-deps
	tests/with_postgres.sh $(PY) bench/loadtest.py $(ARGS)
