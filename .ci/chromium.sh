#!/usr/bin/env bash
# Debian's Chromium and its chromedriver for the console's browser tests (issue 19).
# Nothing is downloaded at test time: Selenium is pointed at these two binaries.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
/usr/bin/chromium --version
