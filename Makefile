# The README's commands. Each target sets up its own virtual environment from the
# project's files, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test test-postgres test-sklearn-oldest lint browser bench docs clean

$(BIN)/glassnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,dev]"
	touch $@

setup: $(BIN)/glassnet

demo: setup
	$(BIN)/glassnet demo

# The docs' Python: the notebooks and Sphinx's code. The guide's Markdown is left as
# written (its code blocks are wrapped to read well on a page).
DOCS_CODE := docs/examples docs/_ext docs/conf.py
lint: setup
	$(BIN)/ruff check src tests benchmarks examples $(DOCS_CODE)
	$(BIN)/ruff format --check src tests benchmarks examples $(DOCS_CODE)

# Debian's Chromium, for the tests that render the HTML report and drive the competition
# pages in a real browser (the latter through Playwright, a dev extra, which launches this
# chromium, never a downloaded one; Playwright's own driver, a Node.js binary, needs
# libatomic1, which minimal Debian lacks). Where they cannot be installed (not root, no
# apt), those tests are skipped and say why.
BROWSER_PACKAGES := chromium libatomic1
browser:
	@{ command -v chromium && ldconfig -p | grep -q 'libatomic\.so\.1'; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y --no-install-recommends $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && \
	      apt-get install -y --no-install-recommends $(BROWSER_PACKAGES) >/dev/null 2>&1; } || \
	    echo "could not install $(BROWSER_PACKAGES): the browser tests will be skipped"; \
	  else echo "no chromium or libatomic1, and no apt-get as root: the browser tests will be skipped"; fi; }

# Each test file runs whole on one of two workers (its module fixtures shared), the
# servers' and browsers' waiting overlapping the engine's computing.
test: setup lint browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The parity claims hold for every scikit-learn pyproject.toml allows: the engine's tests
# again, in an environment of their own with the oldest allowed release (make test has
# the newest): the tests that compare with scikit-learn. .ci/run does this after make test.
SKLEARN_OLDEST := 1.7.0
OLDEST_VENV    := .venv-sklearn-$(SKLEARN_OLDEST)
test-sklearn-oldest:
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install --quiet -e ".[plot]" "scikit-learn==$(SKLEARN_OLDEST)" \
	    pytest pytest-xdist hypothesis
	$(OLDEST_VENV)/bin/python -m pytest -n 2 --dist loadfile tests/nn/test_parity.py \
	    tests/nn/test_regressor_parity.py tests/nn/test_sklearn_suite.py tests/nn/test_history.py

# The same beside a throw-away PostgreSQL server (installed if missing, as root), so the
# competition server is tested on PostgreSQL too; .ci/run does this.
test-postgres:
	.ci/postgres.sh $(MAKE) test PYTHON=$(PYTHON)

# The documentation site, as the tests build it (tests/test_docs.py): warnings are
# errors, and the example notebooks run once (-E: every page read afresh, as they
# are). Open docs/_build/html/index.html.
docs: setup
	$(BIN)/python -m sphinx -W --keep-going -E -b html docs docs/_build/html

bench: setup
	$(BIN)/python benchmarks/engine_vs_sklearn.py
	$(BIN)/python benchmarks/regressor_vs_sklearn.py
	$(BIN)/python benchmarks/metrics_vs_sklearn.py
	$(BIN)/python benchmarks/sweep_vs_sklearn.py --repeats 5
	$(BIN)/python benchmarks/compete_load.py

clean:
	rm -rf $(VENV) $(OLDEST_VENV) build src/*.egg-info .pytest_cache .ruff_cache \
	  docs/_build docs/generated docs/auto_examples
