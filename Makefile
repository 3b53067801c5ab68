# The README's commands. Each target sets up its own virtual environment from the
# project's files, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test lint bench clean

$(BIN)/glassnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(BIN)/glassnet

demo: setup
	$(BIN)/glassnet demo

lint: setup
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

test: setup lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/engine_vs_sklearn.py
	$(BIN)/python benchmarks/metrics_vs_sklearn.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
