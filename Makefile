# Two commands do everything: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out
PYTEST_WORKERS ?= 2

# SAM lives in its own environment: it pins boto3 exactly (README.md, "Deploying").
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM_CLI_VERSION := 1.170.0
export SAM_CLI_TELEMETRY := 0

.PHONY: install sam fmt lint typecheck infra unit integration e2e test demo bench build deploy clean openapi

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SAM_STAMP):
	test -d $(SAM_VENV) || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli==$(SAM_CLI_VERSION)'
	touch $(SAM_STAMP)

sam: $(SAM_STAMP)

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install sam
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml
	$(SAM) validate --lint

typecheck: install
	$(BIN)/mypy

infra: install sam
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/infra

unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/unit

integration: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

test: lint typecheck
	$(BIN)/pytest -n $(PYTEST_WORKERS)

demo: install
	$(BIN)/edt-import demo --out $(DEMO_DIR)

# The admin API's published document (tests/infra fails while it is stale).
openapi: install
	$(BIN)/edt-import openapi > docs/openapi.json

bench: install
	$(BIN)/python benchmarks/run_all.py

# The layer's Makefile (layers/common/) runs pip from the SAM environment's Python.
build: sam
	PYTHON=$(CURDIR)/$(SAM_VENV)/bin/python $(SAM) build

deploy: build
	$(SAM) deploy --guided

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
