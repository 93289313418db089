# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install first.
# The install compiles comparators/ with mypyc (setup.py); SHADOWDIFF_COMPILE=0 keeps it pure Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Which build the tree holds; named by mode so that switching SHADOWDIFF_COMPILE rebuilds.
BUILT  := $(VENV)/.built-$(if $(filter 0,$(SHADOWDIFF_COMPILE)),pure,compiled)
# What a build leaves in the source tree (setuptools builds extensions in place for editable installs).
COMPILED_FILES := comparators/*.so
# The TypeScript client: npm ci from the committed lock file (no install scripts: nothing in it needs
# one, and some would download binaries), then tsc and node --test (clients/typescript/package.json).
TS       := clients/typescript
TS_STAMP := $(TS)/node_modules/.installed

.PHONY: run test test-ts check coverage lint bench clean tools

# Programs the suite runs for real (command:Debian package). `make test` installs the missing ones when
# run as root (as .ci/run does), else stops and prints the one command to run: no test is ever skipped.
TOOLS := prometheus:prometheus promtool:prometheus prometheus-alertmanager:prometheus-alertmanager \
         amtool:prometheus-alertmanager docker-compose:docker-compose npm:npm chromium:chromium

$(STAMP): pyproject.toml constraints.txt setup.py clients/python/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	# the Python client library, its own package (shadowdiff-client): the suite tests it as installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e clients/python
	@touch $(STAMP)

# A compiled module shadows its .py, so an edited comparators/*.py would silently not run: rebuild
# whenever one changes. build_ext only recompiles C that changed (a no-op edit costs the ~4 s of mypyc
# code generation); removing the in-place modules first means a pure build leaves none behind.
$(BUILT): $(STAMP) $(wildcard comparators/*.py)
	rm -f $(COMPILED_FILES) $(VENV)/.built-*
	$(BIN)/python setup.py --quiet build_ext --inplace
	@touch $@

run: $(BUILT)
	$(BIN)/python -m app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(TS_STAMP): $(TS)/package.json $(TS)/package-lock.json
	cd $(TS) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# The TypeScript tests start the service from .venv, hence $(BUILT).
test-ts: $(BUILT) $(TS_STAMP)
	cd $(TS) && npm test

tools:
	@missing=$$(for t in $(TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t##*:}; done | sort -u | tr '\n' ' '); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing $$missing(Debian packages the tests run)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "make test runs these programs for real and they are missing; install them first:"; \
	    echo "  sudo apt-get install -y --no-install-recommends $$missing"; \
	    exit 1; \
	  fi; \
	fi

test: tools $(BUILT) lint test-ts
	$(BIN)/pytest

# The quick edit loop: lint, types and every test that needs no live part (no uvicorn process, no
# database server, no external program; tests/conftest.py marks the others `live`). ~20 s.
check: $(BUILT) lint
	$(BIN)/pytest -m "not live" -q

# The whole suite on the pure-Python engine under coverage, following the uvicorn subprocesses the
# tests start; fails under 95% of app/, comparators/ and flags/. CI runs it after `make test`.
coverage:
	$(MAKE) SHADOWDIFF_COMPILE=0 $(VENV)/.built-pure
	rm -f .coverage .coverage.*
	SHADOWDIFF_COMPILE=0 $(BIN)/coverage run -m pytest -q
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --fail-under=95

bench: $(BUILT)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .coverage .coverage.* .pytest_cache .mypy_cache .ruff_cache .hypothesis data build $(COMPILED_FILES)
	rm -rf $(TS)/node_modules $(TS)/dist $(TS)/test/generated
