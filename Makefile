# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test fuzz check-all screenshots install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/quotes extract corpora/sputnik-2018-10-08-kim-trump-summit.txt
	@mkdir -p out && rm -f out/demo.db out/demo.db-wal out/demo.db-shm
	$(BIN)/quotes ingest corpora/ --db out/demo.db
	$(BIN)/quotes speakers --db out/demo.db --limit 10
	$(BIN)/quotes clusters --db out/demo.db --min-size 2 --limit 5

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Property-based tests at length (10,000 texts each; `make test` runs a few dozen).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_properties.py -p no:cacheprovider --hypothesis-show-statistics

# Slow end-to-end checks (whole PolNeAR train split); not part of `make test`.
check-all: $(STAMP)
	$(BIN)/python -m pytest -q -m "slow or not slow"

# The README's pictures of the review pages (needs Debian's chromium).
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
