#!/usr/bin/env bash
# CI: build the station bundle with PyInstaller, then run the frozen --self-test in an
# environment with no Python and no venv reachable (env -i, PATH=/usr/bin:/bin).
# Prints the build time and the bundle's size. Run from a checkout with .venv ready
# (python3 dev.py test / dev.py bundle create it).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN kiosk.spec
built=$(date +%s)

bundle=dist/kiosk
size=$(du -sh "$bundle" | cut -f1)
echo "bundle: $bundle, ${size}, $(find "$bundle" -type f | wc -l) files, built in $((built - start)) s"

# The bundle must not lean on anything of the build machine's Python.
if ldd "$bundle/kiosk" | grep -q "$(pwd)/.venv"; then
  echo "FAIL: the binary links against the venv" >&2
  exit 1
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# No python on PATH, no VIRTUAL_ENV, no PYTHONPATH; a fresh HOME (so a fresh store).
env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  "$bundle/kiosk" --self-test
# And once more against the store the first run created (re-open, migrations at head).
env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  "$bundle/kiosk" --self-test >/dev/null
env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 "$bundle/kiosk" --version
echo "bundle self-test passed in $(( $(date +%s) - built )) s"
