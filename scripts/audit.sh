#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the pinned packages.
#  - Python: pip-audit (pinned below, in its own venv under var/ so it never touches .venv) on
#    requirements.lock, exactly as pinned (--no-deps), failing if any package could not be
#    checked (--strict) rather than passing silently.
#  - The widget: `npm audit --omit=dev` in web/ (only what ships to browsers), if
#    web/package-lock.json exists.
# Both ask an advisory service over the network (PyPI's JSON API / OSV, and the npm registry's
# audit endpoint). Reports go to var/audit/. Exit status: 0 only when both ran and found nothing;
# docs/security.md lists every finding with what contains it.
set -uo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION="2.10.1"
AUDIT_VENV="${AUDIT_VENV:-var/audit-venv}"
PYTHON="${PYTHON:-python3}"
mkdir -p var/audit

if ! "$AUDIT_VENV/bin/pip-audit" --version 2>/dev/null | grep -q "$PIP_AUDIT_VERSION"; then
  echo "Installing pip-audit $PIP_AUDIT_VERSION into $AUDIT_VENV ..."
  "$PYTHON" -m venv "$AUDIT_VENV" &&
    "$AUDIT_VENV/bin/python" -m pip install --quiet "pip-audit==$PIP_AUDIT_VERSION" ||
    { echo "audit: could not install pip-audit"; exit 2; }
fi

echo "== Python packages (requirements.lock) =="
"$AUDIT_VENV/bin/pip-audit" --requirement requirements.lock --no-deps --disable-pip --strict \
  --desc on --progress-spinner off --vulnerability-service "${PIP_AUDIT_SERVICE:-pypi}" \
  2>&1 | tee var/audit/pip-audit.txt
python_status=${PIPESTATUS[0]}
if grep -q "could not be audited" var/audit/pip-audit.txt; then
  echo "audit: pip-audit could not reach the advisory service for some packages" \
       "(no answer is not a clean bill of health); try PIP_AUDIT_SERVICE=osv"
fi

npm_status=0
if [ -f web/package-lock.json ]; then
  echo "== Widget packages (web/package-lock.json, production only) =="
  (cd web && npm audit --omit=dev) 2>&1 | tee var/audit/npm-audit.txt
  npm_status=${PIPESTATUS[0]}
else
  echo "== Widget: no web/package-lock.json, npm audit skipped =="
fi

echo "== Summary =="
echo "pip-audit exit $python_status, npm audit exit $npm_status (reports in var/audit/)"
[ "$python_status" -eq 0 ] && [ "$npm_status" -eq 0 ]
