# Yorisoi: two commands do all the set-up. `make demo` runs the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test serve lint format messages clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps make second and later runs start in seconds: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/yorisoi initkey
	$(BIN)/yorisoi migrate --noinput -v 0
	$(BIN)/yorisoi loaddemo
	@echo ""
	@echo "  Yorisoi demo: http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as admin, manager1, worker1, worker1b, manager2, worker2, peer1,"
	@echo "  partner1 or analyst1 with the password yorisoi-demo."
	@echo "  Two-factor sign-in is off in the demo (YORISOI_REQUIRE_2FA=false)."
	@echo ""
	YORISOI_REQUIRE_2FA=$${YORISOI_REQUIRE_2FA:-false} $(BIN)/daphne -b 127.0.0.1 -p $(PORT) yorisoi.asgi:application

# Debian packages the browser tests and PDF exports need; installed only when missing.
browser-deps:
	@bash scripts/ensure-system-packages

test: $(VENV)/.installed-test browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yorisoi makemigrations --check --dry-run -v 1
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2}

lint format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages:
	@bash scripts/make-messages

clean:
	rm -rf $(VENV) var
