# itukg: the two commands of the README's quick start, plus the benchmark.
#
#   make run    set up (system packages, .venv), build the bundled corpus, serve it
#   make test   set up, then run the whole test suite (fails on any failure, or if no test ran)
#
# Works on a fresh Debian with Python 3.11 as root, without a terminal (CI=true).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.itukg-installed
PYTEST_ARGS ?=

.PHONY: setup system venv run build test bench clean

setup: system venv

system:
	@tools/setup-system.sh

# The venv is (re)installed when missing or when pyproject.toml changed since the last install.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

build: setup
	$(BIN)/itukg build

# Build the bundled corpus (prints what was found), audit it (the report goes into the store's
# audit graph and var/audit.txt; exit 1 = findings, which is not a failure here), then serve it
# on http://127.0.0.1:8000/ until Ctrl-C.
run: build
	@mkdir -p var
	@status=0; $(BIN)/itukg audit --format text -o var/audit.txt || status=$$?; \
	if [ $$status -gt 1 ]; then exit $$status; fi; \
	echo "make run: audit report in var/audit.txt (also in the graph: B graph/audit)"
	$(BIN)/itukg serve

# pytest exits 5 when it collected no tests: that counts as a failure here, like any non-zero.
test: setup
	@status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests were collected" >&2; fi; \
	exit $$status

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf var/store benchmarks/out .pytest_cache
