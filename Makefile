# Two commands for a fresh machine:
#   make run   - virtualenv, install, start Deskmate on the console with config.example.yaml
#   make test  - virtualenv, install with dev extras, then ruff, import-linter, mypy and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.example.yaml

.PHONY: run test lint typecheck pytest install install-dev clean bench bench-peers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml examples/standup/pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]' -e examples/standup
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
	$(BIN)/pytest -q

test: lint typecheck pytest

# benchmarks (issue 10): not part of `make test`; they write docs/performance.md
bench: install-dev
	$(BIN)/python -m bench.run

bench-peers: install-dev
	$(BIN)/python -m bench.run --peers

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
