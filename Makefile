# The two commands: `make run` (the service, with embedded defaults) and `make test` (everything CI runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
AUTH_SERVICE_URL ?= http://localhost:4000

.PHONY: run test lint typecheck pytest bench bench-quick clean

# The runtime, then this project in place (--no-deps: requirements.txt pinned them), which gives
# the console scripts saas-admin and saas-admin-authserver.
$(VENV)/.runtime: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet -e . --no-deps
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

AUTH_UP := $(PY) -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4000/health', timeout=1)"

define CURL_SESSION

SaaS Admin is starting on http://127.0.0.1:8000 (auth server: $(AUTH_SERVICE_URL)). Ctrl-C stops it all.

  API docs (Swagger UI)  http://127.0.0.1:8000/api/docs/
  Django admin           http://127.0.0.1:8000/admin/  (a staff account: .venv/bin/python manage.py createsuperuser)
  Browser sign-in        http://127.0.0.1:8000/login/

Try it as alice@acme.test (README.md, "The demo"):

  TOKEN=$$(curl -s -X POST $(AUTH_SERVICE_URL)/api/auth/login -H 'Content-Type: application/json' \
      -d '{"email":"alice@acme.test","password":"demo-password-1"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["accessToken"])')
  curl -s http://127.0.0.1:8000/api/auth/verify -H "Authorization: Bearer $$TOKEN"
  curl -s "http://127.0.0.1:8000/api/subscriptions/check?organizationId=d283930d-137c-4ffe-abbf-fbed33913676&productCode=buildeasy" \
      -H "Authorization: Bearer $$TOKEN"

endef
export CURL_SESSION

# The local stand-in, and the demo data (manage.py demo_data, which lists the demo users), only
# when nothing answers on :4000 and AUTH_SERVICE_URL is the default: never for another server.
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	@set -eu; \
	if [ "$(AUTH_SERVICE_URL)" = "http://localhost:4000" ] && ! $(AUTH_UP) 2>/dev/null; then \
	  $(PY) -m authserver --host 127.0.0.1 --port 4000 & auth=$$!; \
	  trap 'kill $$auth 2>/dev/null || true' EXIT INT TERM; \
	  for _ in $$(seq 50); do $(AUTH_UP) 2>/dev/null && break; sleep 0.2; done; \
	  $(PY) manage.py demo_data; \
	fi; \
	echo "$$CURL_SESSION"; \
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload

test: $(VENV)/.dev
	bash .ci/services
	$(MAKE) --no-print-directory lint typecheck pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy .

pytest:
	$(PY) -m pytest

# The benchmark (bench/): starts its own auth server and gunicorn, writes bench/results/latest.md
# and latest.json (`python -m bench.readme` copies them into the README). Needs wrk, which
# .ci/services installs when missing.
bench: $(VENV)/.bench
	bash .ci/services
	$(PY) -m bench
	$(PY) -m bench.workers
	$(PY) -m bench.ratelimit
	$(PY) -m bench.modes

bench-quick: $(VENV)/.bench
	bash .ci/services
	$(PY) -m bench --quick
	$(PY) -m bench.workers --quick
	$(PY) -m bench.ratelimit --calls 1000
	$(PY) -m bench.modes --tokens 50

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
