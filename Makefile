# Set-up is part of every target: a fresh clone needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEFAULT_PROBLEM := problems/uk_db_scheme.yaml

.PHONY: demo test lint bench clean

demo: $(VENV)/.core
	$(BIN)/ldi solve $(DEFAULT_PROBLEM)

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_risk.py
	$(BIN)/python benchmarks/bench_instruments.py
	$(BIN)/python benchmarks/bench_solve.py

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ldi needs Python >= 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# Re-install only when the project metadata changes (the package itself is editable).
$(VENV)/.core: $(VENV)/.python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.core

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
