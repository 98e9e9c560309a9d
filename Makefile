# Two commands for users: `make run` (the main job on the embedded SQLite default) and
# `make test`. Both create the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test lint check-imports clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/market-pipeline run --offline

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check market_pipeline market_pipeline_tests
	$(BIN)/ruff format --check market_pipeline market_pipeline_tests
	$(BIN)/mypy

check-imports: $(STAMP)
	$(BIN)/python -m market_pipeline.check_imports

clean:
	rm -rf $(VENV) data .dagster_home
