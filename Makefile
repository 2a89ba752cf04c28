# itukg: the two commands of the README's quick start, plus the benchmark.
#
#   make run    set up (system packages, .venv), build the bundled corpus, serve it
#               (make run PORT=8005 HOST=0.0.0.0: where to listen; a taken port fails first)
#   make test   set up, then run the whole test suite (fails on any failure, or if no test ran)
#
# Works on a fresh Debian with Python 3.11 as root, without a terminal (CI=true).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.itukg-installed
PYTEST_ARGS ?=
# Where `make run` listens (passed to `itukg serve`; default 127.0.0.1:8000, or $ITUKG_HOST/$ITUKG_PORT).
PORT ?=
HOST ?=
SERVE_ARGS := $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

.PHONY: setup system venv run check-port build test bench clean

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

# Build the bundled corpus (prints what was found), audit it (the report goes into var/audit.txt
# and into the store, as the named graph <https://w3id.org/itukg/graph/audit> that /audit,
# /api/audit and SPARQL read; exit 1 = findings, which is not a failure here), then serve it on
# http://$(HOST):$(PORT)/ until Ctrl-C. The port is checked first: a taken port stops here,
# before the build and the audit.
run: check-port build
	@mkdir -p var
	@status=0; $(BIN)/itukg audit --format text -o var/audit.txt || status=$$?; \
	if [ $$status -gt 1 ]; then exit $$status; fi; \
	echo "make run: audit report in var/audit.txt; the same findings are stored in the graph as the named graph <https://w3id.org/itukg/graph/audit> (the /audit page, /api/audit and SPARQL read it)"
	$(BIN)/itukg serve --no-build $(SERVE_ARGS)

# Can `make run` listen where asked? (exit 2 with the reason when the port is taken)
check-port: venv
	@$(BIN)/itukg serve --check-port $(SERVE_ARGS)

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
