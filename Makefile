# Yagona. `make demo` runs the platform on embedded defaults; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/yagona
export YAGONA_COUNTRY ?= tj

.PHONY: bench bench-registries bench-exchange bench-verify bench-signing bench-correspondence bench-appeals bench-opendata demo test test-sqlite test-postgres test-browser lint layers openapi messages worker serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The platform's catalogues, and those packs ship for languages of their own
# (countries/*/locale/, e.g. Uzbek in countries/uz).
messages: $(STAMP)
	cd src/yagona && ../../$(BIN)/yagona compilemessages --ignore=.venv -v0
	cd countries && ../$(BIN)/yagona compilemessages -v0

demo: $(STAMP) messages
	$(BIN)/yagona migrate --noinput -v0
	$(BIN)/yagona load-country $(YAGONA_COUNTRY)
# The exchange first: the demo's registry offices send a letter over it (its address book).
	$(BIN)/yagona exchange demo --out var/exchange-demo-$(YAGONA_COUNTRY) > var/exchange-nodes
	$(BIN)/yagona demo-data
	$(BIN)/yagona audit checkpoint || echo "The demo was stopped for a while: look, then acknowledge (above)."
	@echo "Yagona ($(YAGONA_COUNTRY)) at http://127.0.0.1:8000, with $$(wc -l < var/exchange-nodes) exchange nodes (Ctrl-C stops all)"
# Jobs run in the web process (YAGONA_JOBS_IMMEDIATE); the worker beside it runs the
# periodic tasks (audit checkpoints, expiring uploads), logging to var/worker.log.
	nodes=""; trap 'kill $$nodes 2>/dev/null' EXIT INT TERM; \
	for config in $$(cat var/exchange-nodes); do \
	  $(BIN)/yagona exchange-node --config $$config & nodes="$$nodes $$!"; done; \
	$(BIN)/yagona run_huey > var/worker.log 2>&1 & nodes="$$nodes $$!"; \
	YAGONA_JOBS_IMMEDIATE=1 $(BIN)/yagona runserver 127.0.0.1:8000

worker: $(STAMP)
	$(BIN)/huey_consumer_django 2>/dev/null || $(BIN)/yagona run_huey

# Production-style: gunicorn workers, static files by whitenoise. Needs SECRET_KEY,
# ALLOWED_HOSTS and YAGONA_MODE=production (see README).
serve: $(STAMP) messages
	$(BIN)/yagona collectstatic --noinput -v0
	$(BIN)/gunicorn yagona.wsgi --workers $${WEB_WORKERS:-4} --bind $${BIND:-127.0.0.1:8000}

# Benchmarks (not tests): production-style server on PostgreSQL, figures beside baselines,
# written to bench/RESULTS.md. Installs wrk and nginx from Debian if missing.
bench: $(STAMP) messages
	$(BIN)/python bench/run.py

# The registries benchmark: generate and import BENCH_PERSONS (1,000,000) people, look them
# up through the API at 16 connections; beside COPY and a psycopg SELECT loop.
bench-registries: $(STAMP) messages
	$(BIN)/python bench/registries.py

# The exchange benchmark: a registry lookup through two exchange nodes beside the same
# lookup called directly, at 16 connections.
bench-exchange: $(STAMP) messages
	$(BIN)/python bench/exchange.py

# The verification benchmark: verify a sealed 2-page PDF (two signatures, PAdES B-LT) in
# process, its phases and a baseline beside it (bench/verification.py); goal p95 <= 50 ms.
bench-verify: $(STAMP) messages
	$(BIN)/python bench/verification.py

# The signing benchmark: render and seal 2-page decisions (official + seal, timestamped,
# PAdES B-LT) in 4 processes beside a bare `openssl dgst -sign` loop on the seal's key,
# then verify them (bench/signing.py); goals >= 50 documents/s on 2 cores, p95 <= 50 ms.
bench-signing: $(STAMP) messages
	$(BIN)/python bench/signing.py

# The document-flow search benchmark: a journal of BENCH_DOCUMENTS (1,000,000) cards
# searched by number, words and dates beside a bare psycopg lookup by number.
bench-correspondence: $(STAMP) messages
	$(BIN)/python bench/correspondence.py

# The appeals benchmark: BENCH_APPEALS (1,000,000) appeals written with COPY, the public
# statistics page under wrk (goal p95 <= 100 ms), and appeals with a photo sent in
# BENCH_WORKERS processes beside a bare INSERT loop (bench/appeals.py).
bench-appeals: $(STAMP) messages
	$(BIN)/python bench/appeals.py

# The open data benchmark: BENCH_DATASETS (10,000) datasets; CKAN's package_search at 16
# connections beside a PostgreSQL full-text loop, the DCAT export beside a CSV export.
bench-opendata: $(STAMP) messages
	$(BIN)/python bench/opendata.py

lint: $(STAMP)
	$(BIN)/ruff check .

# The floors of docs/ARCHITECTURE.md (the layers contract in pyproject.toml).
layers: $(STAMP)
	PYTHONPATH=src $(BIN)/lint-imports

openapi: $(STAMP)
	$(BIN)/yagona openapi --check

test: $(STAMP) messages lint layers openapi test-sqlite test-postgres

test-sqlite: $(STAMP) messages
	$(BIN)/pytest -q

test-postgres: $(STAMP) messages
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

clean:
	rm -rf var/test
