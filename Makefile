# Two commands matter: `make demo` and `make test`. Both create .venv and install on first use.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cjkit-installed
RUN    ?= demo

.PHONY: demo test install browser benchmarks clean-reports lab

install: $(STAMP)

# constraints.txt pins every package to the versions the suite is run against (docs/CONTRIBUTING.md).
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cjkit needs Python 3.11 or newer, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name cjkit --display-name "Python (cjkit)" >/dev/null
	touch $(STAMP)

# Batch reports on the bundled synthetic demo survey: one per persona plus the whole sample,
# HTML into reports/$(RUN)/ and the path of its index.html printed last.
demo: $(STAMP)
	$(BIN)/cjkit report surveys/demo/report.yaml --run $(RUN)

# The suite with the notebooks (nbval), then the Examples in the package's docstrings (doctest) in a
# fresh process, so that they show the package as a researcher gets it, untouched by state the tests
# leave behind. Both always run; the target fails if either fails.
test: $(STAMP) browser
	@status=0; \
	MPLBACKEND=Agg $(BIN)/python -m pytest tests notebooks --nbval-lax \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider || status=1; \
	MPLBACKEND=Agg $(BIN)/python -m pytest cjkit --doctest-modules -p no:cacheprovider || status=1; \
	exit $$status

# Headless Chromium (Debian package) for the HTML-safety test; installed when we may. Without it the
# test is reported as skipped with its reason (the escaping itself is also checked without a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian) for the HTML-safety test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  else echo "chromium not found: the browser test will be skipped"; fi; }

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

benchmarks: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean-reports:
	rm -rf reports/*/
