# linrec — the README's commands. Each target creates .venv and installs the project (with the
# dev extras) when .venv is missing or pyproject.toml changed; nothing else is needed on a fresh
# machine with Python >= 3.11 and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.linrec-installed
DOCS_STAMP := $(VENV)/.linrec-docs-installed
PROFILE ?= quick
JOBS   ?= 2
SEED_OFFSET ?= 0
export PROFILE
# keep BLAS single-threaded per process: tests and figures parallelise over processes instead
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export MPLBACKEND := Agg

FIGURE_SCRIPTS := $(sort $(wildcard papers/*/fig*.py))
# README renderers: rewrite the generated/rendered blocks of a page from the data the figure scripts saved
RENDER_SCRIPTS := $(sort $(wildcard papers/*/render*.py))

.PHONY: all test test-slow figures claims bench lint docs clean venv help

help:
	@echo "make test      install into .venv if needed, run the test suite (every claim; not the slow tier)"
	@echo "make test-slow the slow tier: README-sync checks that re-run figure scripts"
	@echo "make figures   regenerate every figure into figures/<paper>/ (PROFILE=quick|full)"
	@echo "make claims    run the claim tests and write papers/CLAIMS.md (SEED_OFFSET=N shifts every seed)"
	@echo "make bench     performance ratios (bench/)"
	@echo "make lint      ruff"
	@echo "make docs      the Sphinx site into docs/_build/html (open docs/_build/html/index.html)"
	@echo "make clean     remove .venv, caches and generated data"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,progress,distributed]'
	@touch $(STAMP)

# every test except the slow tier (checks that re-run figure scripts to compare README blocks);
# claim tests always run, slow or not
test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m "not slow or claim"

# the slow tier: README-sync checks that re-run figure scripts (CI runs it after make test)
test-slow: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m "slow and not claim"

claims: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m claim tests --seed-offset=$(SEED_OFFSET) --claims-ledger=papers/CLAIMS.md

figures: $(STAMP)
	@echo "[figures] $(words $(FIGURE_SCRIPTS)) scripts, PROFILE=$(PROFILE), $(JOBS) at a time"
	@# each script's output is captured and printed as one block under its own header when it
	@# ends (parallel scripts would otherwise interleave; a one-line "started" notice shows progress);
	@# a failure stops the rest (exit 255)
	@printf '%s\n' $(FIGURE_SCRIPTS) | xargs -P $(JOBS) -I{} sh -c 'echo "[figures] started {}"; log=$$(mktemp); \
	  if $(PY) {} >"$$log" 2>&1; then st=0; h="[figures] {}"; else st=255; h="[figures] FAILED: {}"; fi; \
	  { echo "$$h"; cat "$$log"; } >"$$log.block"; cat "$$log.block"; rm -f "$$log" "$$log.block"; exit $$st'
	@set -e; for r in $(RENDER_SCRIPTS); do echo "[figures] render $$r"; $(PY) $$r; done
	@echo "[figures] done: figures/<paper_id>/*.png and *.pdf; measured numbers rendered into the READMEs"

# the docs extra (Sphinx, MyST) is installed on first use only, so `make test` does not need it
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,progress,distributed,docs]'
	@touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "[docs] open docs/_build/html/index.html"

bench: $(STAMP)
	@set -e; for b in $(sort $(wildcard bench/bench_*.py)); do \
	  echo "[bench] $$b"; $(PY) $$b; \
	done

lint: $(STAMP)
	$(PY) -m ruff check linrec tests papers bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
	rm -rf docs/_build docs/generated docs/papers docs/answers
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find figures -name '*.npz' -delete 2>/dev/null || true
	find figures -name '*.json' -delete 2>/dev/null || true
