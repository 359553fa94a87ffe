# Two commands do everything: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out
PYTEST_WORKERS ?= 2

.PHONY: install fmt lint typecheck unit integration e2e test demo bench build deploy clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/unit

integration: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

test: lint typecheck
	$(BIN)/pytest -n $(PYTEST_WORKERS)

demo: install
	$(BIN)/python -m edt_import.cli.demo --out $(DEMO_DIR)

bench: install
	$(BIN)/python benchmarks/run_all.py

# SAM lives in its own environment (it pins boto3): see README.md, "Deploying".
SAM ?= sam

build:
	$(SAM) build

deploy: build
	$(SAM) deploy --guided

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
