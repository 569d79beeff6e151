#!/usr/bin/env bash
# Installs schemathesis (pinned, from PyPI) into a virtualenv in the per-user cache, once, and runs
# it with the arguments given: `bash scripts/schemathesis.sh run http://…/api/openapi.json …`.
# The fault suite's fuzz test calls this; nothing has to be installed by hand.
set -euo pipefail
VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kinerja"
VENV="$CACHE/schemathesis-$VERSION"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "[kinerja] installing schemathesis $VERSION into $VENV" >&2
  mkdir -p "$CACHE"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
fi
exec "$VENV/bin/schemathesis" "$@"
