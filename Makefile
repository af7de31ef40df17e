# Set-up is part of every target: a fresh clone needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEFAULT_PROBLEM := problems/uk_db_scheme.yaml
DEMO_RESULT := out/uk_db_scheme.result.json
DEMO_REPORT := out/uk_db_scheme.report.html

.PHONY: demo test lint bench clean browser

# The rebalance, its optimized positions under the 2022-style and 2023 BoE stresses, and
# the HTML report of the decision.
demo: $(VENV)/.core
	$(BIN)/ldi solve $(DEFAULT_PROBLEM) --json $(DEMO_RESULT)
	$(BIN)/ldi stress $(DEFAULT_PROBLEM) --positions $(DEMO_RESULT) \
		--scenario gilt_crisis_2022 boe_swes_2023 parallel_up_250
	$(BIN)/ldi report $(DEMO_RESULT) --out $(DEMO_REPORT)

test: $(VENV)/.dev browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Headless Chromium renders the HTML report in the tests: Debian's, installed when missing
# (the rendering tests say they are skipped where it cannot be installed).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
		>/dev/null; } || echo "chromium could not be installed; report rendering tests skip"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_risk.py
	$(BIN)/python benchmarks/bench_lpi.py
	$(BIN)/python benchmarks/bench_instruments.py
	$(BIN)/python benchmarks/bench_solve.py
	$(BIN)/python benchmarks/bench_stress.py
	$(BIN)/python benchmarks/bench_recap.py
	$(BIN)/python benchmarks/bench_scenarios.py
	$(BIN)/python benchmarks/bench_projection.py
	$(BIN)/python benchmarks/bench_execution.py
	$(BIN)/python benchmarks/bench_members.py
	$(BIN)/python benchmarks/bench_startup.py

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
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
