# policykg — make targets. Everything installs itself into .venv; nothing global.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
CORPUS ?= ../shared/corpus
STORE  ?= policykg-data
OUT    ?= out

.PHONY: demo test check lint install install-test clean system-deps neo4j-up neo4j-down bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools warns on every editable install of a package_dir layout like ours (policykg.graph = graph/)
# that folders named like the package could shadow it; none is (there is no policykg/ folder), so the
# notice, and only the warnings of that one setuptools module, are left out. pip's own warnings still show.
PIP_INSTALL = PYTHONWARNINGS=ignore:::setuptools.command.editable_wheel $(BIN)/python -m pip install --quiet

# Re-install only when the packaging changes (idempotent, fast when nothing changed).
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(PIP_INSTALL) -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(BIN)/policykg build $(CORPUS) --store $(STORE)
	@echo; echo "== Which agency leads the most tasks?"
	$(BIN)/policykg query top-lead-agencies --store $(STORE) --limit 10
	@echo; echo "== Which islands are affected by relocation?"
	$(BIN)/policykg query relocation-islands --store $(STORE)
	@mkdir -p $(OUT)
	$(BIN)/policykg viz -o $(OUT)/graph.html --store $(STORE) --force
	$(BIN)/policykg export matrix -o $(OUT)/responsibility-matrix.xlsx --store $(STORE) --force
	@echo; echo "Open $(OUT)/graph.html in a browser; $(OUT)/responsibility-matrix.xlsx in a spreadsheet."

# Debian packages the tests need (browsers, office, triplestores): scripts/debian-packages.txt
system-deps:
	@scripts/system-deps

# Both tiers run on every core; the tests of one server share one worker (tests/conftest.py). Bytecode is
# written even where the environment says not to (PYTHONDONTWRITEBYTECODE): each pytest worker would
# otherwise rewrite and compile the test modules again (collection 10.8 → 6.3 s of CPU, measured), and
# each CLI process and build worker the tests start compile the package again (~0.25 s each).
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist loadgroup
test: $(VENV)/.installed-test system-deps
	$(PYTEST)
	$(BIN)/ruff check .

# The fast tier for the development loop: no servers, browsers, LibreOffice or fuzzing (the markers of
# setup.cfg [tool:pytest]), no Debian packages installed. `make test` is the whole suite.
FAST_TIER = not slow and not neo4j and not browser and not office
check: $(VENV)/.installed-test
	$(PYTEST) -m "$(FAST_TIER)" -q
	$(BIN)/ruff check .

# A real Neo4j Community 5.26 on 127.0.0.1 (jars from Maven Central, cached in ~/.m2).
# Its last line is NEO4J_URI=bolt://127.0.0.1:PORT; `make test` starts its own when NEO4J_URI is unset.
neo4j-up: $(VENV)/.installed
	@scripts/neo4j-server up

neo4j-down:
	@scripts/neo4j-server down

# Scale and speed (docs/performance.md): synthetic corpora of BENCH_DOCS documents, kept out of `make test`.
# Needs the test extras (Chromium, the Neo4j jars); 10,000 documents take about half an hour on 2 cores.
BENCH_DOCS ?= 10 100 1000 10000
BENCH_ARGS ?= --build-limit-s 900 --rdflib-max-triples 2000000  # bench/run.py --help
bench: $(VENV)/.installed-test system-deps
	$(BIN)/python bench/run.py --docs $(BENCH_DOCS) --json bench/results/latest.json $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(STORE) $(OUT) .pytest_cache build *.egg-info scripts/neo4j/target .bench
