# The README's commands. Each target sets up its own virtual environment from the
# project's files, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test lint browser bench clean

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

# Debian's Chromium, for the test that renders the HTML report in a real browser. Where
# it cannot be installed (not root, no apt), that test is skipped and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && \
	      apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
	    echo "could not install chromium: the browser test will be skipped"; \
	  else echo "no chromium and no apt-get as root: the browser test will be skipped"; fi; }

test: setup lint browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/engine_vs_sklearn.py
	$(BIN)/python benchmarks/metrics_vs_sklearn.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
