# Two commands for a fresh machine: `make site` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: site test check offline serve bench bench-30k clean golden

$(PY_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Ingest the originals, build the site, say how to open it.
site: $(PY_STAMP)
	$(PY) -m generator ingest
	$(PY) -m generator build
	@echo
	@echo "The archive is built. Open it:"
	@echo "  from disk:  file://$(CURDIR)/site/index.html"
	@echo "  or served:  $(PY) -m generator serve   (then http://localhost:8000/)"

# The whole test suite, browser tests included.
test: $(PY_STAMP) $(NODE_STAMP)
	$(PY) -m pytest

# The unit tests alone: no build of a whole site, no browser, no Node, no server (see README).
check: $(PY_STAMP)
	$(PY) -m pytest -q -m "not slow and not browser and not node"

# A zip of the site that works unpacked anywhere.
offline: $(PY_STAMP)
	$(PY) -m generator ingest
	$(PY) -m generator build --zip site.zip
	@echo "Wrote $(CURDIR)/site.zip: unpack it anywhere and open index.html."

serve: $(PY_STAMP)
	$(PY) -m generator serve

# Refresh the golden files after an intended change (review the diff before committing).
golden: $(PY_STAMP)
	FAZHI_UPDATE_GOLDEN=1 $(PY) -m pytest tests -k golden -q

bench: $(PY_STAMP) $(NODE_STAMP)
	$(PY) benchmarks/run.py --sizes 100 1000 10000 --timeout 600

# 30,000 reports, both corpora: hours on a small machine, so a target of its own.
bench-30k: $(PY_STAMP) $(NODE_STAMP)
	$(PY) benchmarks/run.py --sizes 30000 --timeout 7200 --name results-30k

clean:
	rm -rf site site.zip .site-* .cache
