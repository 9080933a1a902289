#!/bin/sh
# systemd's ExecStart for a station (deploy/station-kiosk.service): an X server for the
# kiosk, then the kiosk itself *as this process* (exec), so that the process systemd
# watches is the kiosk: its exit status or the signal that killed it (SIGSEGV, SIGKILL,
# SIGABRT from the watchdog) is what Restart= sees, and its sd_notify READY/WATCHDOG
# messages come from the main PID. (xinit, used before, exited 0 whatever its client
# did, so a crashed kiosk was never restarted.)
#
# The X server stays a child of the kiosk; when the kiosk ends, systemd stops the rest of
# the unit's processes (the X server) before starting both again.
#
# Overrides for tests and odd machines: KIOSK_X_SERVER (default /usr/bin/X, the Xorg
# wrapper xinit uses), KIOSK_X_ARGS, KIOSK_DISPLAY (default :0), KIOSK_BIN (see
# kiosk-session.sh).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
X_SERVER="${KIOSK_X_SERVER:-/usr/bin/X}"
X_DISPLAY="${KIOSK_DISPLAY:-:0}"
# A touch screen: no cursor, no blanking, no X on the network.
X_ARGS="${KIOSK_X_ARGS:-vt7 -nolisten tcp -nocursor -s 0 -dpms}"
# The server writes its display number to this file once it accepts clients
# (-displayfd); a socket file alone may be a stale one of a killed server.
READY_FILE="$(mktemp "${TMPDIR:-/tmp}/kiosk-x11.XXXXXX")"

# shellcheck disable=SC2086  # X_ARGS is a list of words on purpose
"$X_SERVER" "$X_DISPLAY" $X_ARGS -displayfd 3 3>"$READY_FILE" &
X_PID=$!

# Wait (up to 30 s) for the server; give up if it dies first.
tries=0
while [ ! -s "$READY_FILE" ]; do
    if ! kill -0 "$X_PID" 2>/dev/null; then
        echo "kiosk-x11: the X server ($X_SERVER) exited before it was ready" >&2
        rm -f "$READY_FILE"
        exit 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ]; then
        echo "kiosk-x11: X server on $X_DISPLAY not ready after 30 s" >&2
        kill "$X_PID" 2>/dev/null || true
        rm -f "$READY_FILE"
        exit 1
    fi
    sleep 0.1
done
rm -f "$READY_FILE"

export DISPLAY="$X_DISPLAY"
exec "$HERE/kiosk-session.sh" "$@"
