# Yorisoi: two commands do all the set-up. `make demo` runs the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint format messages clean system-packages

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

# The demo: SQLite under var/, a key file under var/, fictional data, two-factor sign-in off.
# `yorisoi demo` prepares and serves in one process, so a second start takes seconds.
demo: export YORISOI_REQUIRE_2FA ?= false
demo: $(VENV)/.installed
	@echo ""
	@echo "  Yorisoi demo on http://127.0.0.1:$(PORT)/ -- password for every account: yorisoi-demo"
	@echo "    admin                 system administrator: centers, staff, roles"
	@echo "    manager1 / manager2   center manager (センター長) of center 1 / center 2"
	@echo "    worker1, worker1b     support workers (支援員) of center 1"
	@echo "    worker2               support worker of center 2"
	@echo "    peer1                 peer supporter (ピアサポーター) at center 1"
	@echo "    partner1              staff of a partner employment-support agency"
	@echo "    analyst1              city policy office: statistics only"
	@echo "  Two-factor sign-in is off in the demo (YORISOI_REQUIRE_2FA=$$YORISOI_REQUIRE_2FA)."
	@echo "  Background tasks run in the same process; mail (such as the security notice a"
	@echo "  sign-in from a new browser sends) is written to $${YORISOI_VAR_DIR:-var}/mail/"
	@echo ""
	$(BIN)/yorisoi demo --port $(PORT)

# Debian packages the browser tests and PDF exports need; installed only when missing.
system-packages:
	@bash scripts/ensure-system-packages

test: $(VENV)/.installed-test system-packages
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
