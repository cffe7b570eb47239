# Two commands for a new user: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint install bench clean model accuracy talon-venv

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip

install: $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -e .

# Ingest the bundled sample mailbox and calendar into a fresh SQLite store, show the result,
# then serve the review UI on http://127.0.0.1:8025/ with a demo user (Ctrl-C stops it).
demo: install
	$(VENV)/bin/ingestor demo --dir $(CURDIR)/demo-data --serve

# Install Dovecot, mbsync and the test dependencies where missing, lint, then run every test
# (unit, real Dovecot, PostgreSQL on 127.0.0.1:5432, ...).
test:
	./scripts/install-test-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

# Side-by-side with mbsync on a real Dovecot: 2k, 20k and 100k messages, SQLite and PostgreSQL.
bench: install
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	$(PY) -m benchmarks.run --sizes 2000,20000,100000 --backends sqlite,postgresql

# Retrain the signature-line model from forge and the own corpus (deterministic).
model: install
	$(PY) -m benchmarks.train_signature

# Score extraction on the real labelled mail in ../shared/corpora, beside talon 1.4.4.
accuracy: install
	$(PY) -m benchmarks.score_real --cv-forge benchmarks.train_signature:train_and_predict

# talon in a venv of its own (old dependencies), for the accuracy anchor row.
talon-venv:
	python3 -m venv .venv-talon
	echo '*' > .venv-talon/.gitignore
	.venv-talon/bin/pip install -q talon==1.4.4

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check ingestor tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) demo-data .pytest_cache .mypy_cache .ruff_cache
