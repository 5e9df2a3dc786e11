# Two commands for a fresh Debian machine with Python 3.11: `make run` and `make test`.
# Both install what is missing (system packages via apt as root, Python packages from the
# hash-pinned locks into .venv) and are safe to repeat: the venv is reused while the lock it
# was installed from is unchanged (a stamp file named after the lock's hash).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH_MAX_RATIO ?= 1.5
BENCH_OCR_MAX_RATIO ?= 1.15
# Whole commands against bare baselines (bench/README.md); --check fails the target on a missed
# figure, which only means something on an otherwise idle machine.
BENCH_COMMANDS_ARGS ?= --check
# Plain pytest: on 2 cores `-n auto` measured slower (34-43 s against 28-33 s for the suite),
# its workers each paying the imports and word-list loading. Try PYTEST_ARGS="-n auto" later.
PYTEST_ARGS ?=

lock_hash = $(shell sha256sum $(1) | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(call lock_hash,requirements.lock)
DEV_STAMP := $(VENV)/.installed-dev-$(call lock_hash,requirements-dev.lock)

.PHONY: run test lint bench samples system-deps system-deps-test

run: system-deps $(RUN_STAMP)
	$(BIN)/pipeline run input --out output

test: system-deps-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python bench/bench_commands.py $(BENCH_COMMANDS_ARGS)
	$(BIN)/python bench/bench_text.py --max-ratio $(BENCH_MAX_RATIO)
	$(BIN)/python bench/bench_ocr.py --max-ratio $(BENCH_OCR_MAX_RATIO) --batch

samples: $(DEV_STAMP)
	$(BIN)/python scripts/make_samples.py

system-deps:
	PYTHON=$(PYTHON) bash scripts/install-system-deps.sh

# The tests also need headless Chromium (review page); running the pipeline does not.
system-deps-test:
	PYTHON=$(PYTHON) WITH_TEST_DEPS=1 bash scripts/install-system-deps.sh

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock pins setuptools too, so the editable install builds without fetching anything
# unpinned (--no-build-isolation).
$(RUN_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-run-*
	touch $@

$(DEV_STAMP): requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-dev-*
	touch $@
