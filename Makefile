# Every target builds the one environment it needs first, so `make plan` and `make test` work on a
# fresh clone that has only python3 and make.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

UV_VERSION := 0.13.9
# Only PyPI is reachable from our machines and CI; never let uv fetch a Python build.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
# Compile the environment's bytecode once at install: where PYTHONDONTWRITEBYTECODE is set (as on
# our CI machines) every run would otherwise recompile pulumi_aws from source, about 1 s a process.
export UV_COMPILE_BYTECODE := 1
UV := $(or $(shell command -v uv 2>/dev/null),.tools/uv/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
SYNCED := $(VENV)/.synced

STACKS := dev staging prod
STACK ?=
AT ?=
OUT ?= build/plan

.PHONY: help setup fmt lint test proof bench bench-schedule bench-config bench-plan plan preview up clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/uv/bin/uv:
	python3 -m venv .tools/uv
	.tools/uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	@touch $@

setup: $(SYNCED) ## Create or update the environment from uv.lock
	@echo "environment ready: $(VENV)"

fmt: $(SYNCED) ## Format and auto-fix the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lint: $(SYNCED) ## Lint: ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/zizmor --offline --no-progress --persona pedantic .
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(VENV)/bin/shellcheck --severity=style .github/scripts/*.sh

test: $(SYNCED) ## Run the test suite with the branch-coverage floor
	$(PY) -m pytest -n auto --cov --cov-report=term-missing:skip-covered

proof: $(SYNCED) ## Property tests at full strength: schedule engine (1,500 examples per property, every IANA zone), policy-pack fuzzing, random stack files through the config loader (a few minutes)
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -n auto -p no:cov tests/modules/schedule tests/policies/test_fuzz.py tests/modules/test_config_fuzz.py --hypothesis-show-statistics

bench: bench-schedule bench-config bench-plan ## Benchmarks: schedule engine and offline plan (figures, not pass/fail)

bench-schedule: $(SYNCED)
	$(PY) -m tools.bench_schedule

bench-config: $(SYNCED)
	$(PY) -m tools.bench_config

bench-plan: $(SYNCED)
	$(PY) -m tools.bench_plan

plan: $(SYNCED) ## Offline plan of every stack (STACK=prod for one, AT=2026-01-01T00:00:00Z to pin time)
	$(PY) -m tools.plan --out "$(OUT)" $(if $(STACK),--stack "$(STACK)") $(if $(AT),--at "$(AT)")

preview: $(SYNCED) ## pulumi preview STACK=<stack> with the policy pack (needs the Pulumi CLI and AWS credentials)
	@$(PY) -m tools.plan.pulumi_cli preview --stack "$(STACK)" $(ARGS)

up: $(SYNCED) ## pulumi up STACK=<stack> with the policy pack (needs the Pulumi CLI and AWS credentials)
	@$(PY) -m tools.plan.pulumi_cli up --stack "$(STACK)" $(ARGS)

clean: ## Remove build outputs and caches
	rm -rf build .pytest_cache .ruff_cache .coverage htmlcov
