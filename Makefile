# Two commands for a fresh machine:
#   make run   - virtualenv, install, start Deskmate on the console with config.example.yaml
#   make test  - virtualenv, install with dev extras, then ruff, import-linter, mypy and pytest: the
#                suite on SQLite, then the skill, adapter and core tests again on PostgreSQL
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.example.yaml
# the PostgreSQL pass's server (DESKMATE_TEST_DB): "postgresql" is postgres@127.0.0.1:5432
POSTGRESQL ?= postgresql

.PHONY: run test lint typecheck pytest pytest-postgresql install install-dev clean bench bench-peers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml examples/standup/pyproject.toml examples/poll/pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]' -e examples/standup -e examples/poll
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/deskmate console --config $(CONFIG)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev
	DESKMATE_TEST_DB=sqlite $(BIN)/pytest -q

# The suite again with every bot's database on PostgreSQL, but tests/storage, whose tests choose
# their engine themselves. No server answering: skipped, unless DESKMATE_REQUIRE_PG is set (CI).
pytest-postgresql: install-dev
	@if DESKMATE_TEST_DB=$(POSTGRESQL) $(BIN)/python -m bot.testing; then \
	  echo "DESKMATE_TEST_DB=$(POSTGRESQL) $(BIN)/pytest -q --ignore=tests/storage"; \
	  DESKMATE_TEST_DB=$(POSTGRESQL) $(BIN)/pytest -q --ignore=tests/storage; \
	elif [ -n "$$DESKMATE_REQUIRE_PG" ]; then \
	  exit 1; \
	else \
	  echo "skipped the PostgreSQL pass (set DESKMATE_REQUIRE_PG=1 to make this fail)"; \
	fi

test: lint typecheck pytest pytest-postgresql

# benchmarks (issue 10): not part of `make test`; they write docs/performance.md
bench: install-dev
	$(BIN)/python -m bench.run

bench-peers: install-dev
	$(BIN)/python -m bench.run --peers

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
