#!/usr/bin/env bash
# Usage: scripts/python-env.sh NAME REQUIREMENTS.txt
# Creates (once) the venv .cache/venv-NAME with the pinned requirements and prints its python's path.
# Framework venvs live outside the Swift build; CI and `make` targets that need Python call this.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 requirements=$2
venv=.cache/venv-$name
stamp=$venv/.requirements
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$PWD/$venv/bin/python"
