#!/bin/sh
# The X session of a station: screen never blanks, then the kiosk full-screen.
# Started by kiosk-x11.sh (deploy/station-kiosk.service) or by a desktop's autostart
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

# exec: the kiosk is the process systemd watches and signals (SIGTERM/SIGHUP stop it
# cleanly; its exit status or crash is what Restart= sees).
exec "$KIOSK_BIN" "$@"
