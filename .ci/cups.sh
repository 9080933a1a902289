#!/usr/bin/env bash
# Debian's CUPS for the print queue's real-cupsd test (issue 14): the test starts its own
# throw-away cupsd (own config folder, own socket, capture backends) and never touches
# the machine's CUPS service, so only the binaries are needed, not a running service.
set -euo pipefail
if [ -x /usr/sbin/cupsd ] && command -v lp >/dev/null 2>&1 && command -v cupsenable >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# policy-rc.d 101: the package must not start the system's own cupsd in the CI container
# (Docker images usually ship one already; only one we made ourselves is removed again).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends cups cups-client cups-bsd >/dev/null
/usr/sbin/cupsd -h 2>&1 | head -1
