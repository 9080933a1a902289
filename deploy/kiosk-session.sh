#!/bin/sh
# The X session of a station: screen never blanks, then the kiosk full-screen.
# Started by xinit (deploy/station-kiosk.service) or by a desktop's autostart
# (deploy/autostart/station-kiosk.desktop). KIOSK_BIN overrides the binary's path.
set -eu
KIOSK_BIN="${KIOSK_BIN:-/opt/station-kiosk/kiosk}"

if command -v xset >/dev/null 2>&1; then
    xset s off -dpms s noblank || true
fi
# Optional: hide the pointer on touch-only stations (apt-get install unclutter).
if command -v unclutter >/dev/null 2>&1; then
    unclutter -idle 1 -root &
fi

# exec: the kiosk gets xinit's signals directly (SIGTERM/SIGHUP stop it cleanly).
exec "$KIOSK_BIN" "$@"
