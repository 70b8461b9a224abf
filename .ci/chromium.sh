#!/usr/bin/env bash
# Installs Debian's chromium (from apt) when it is missing, for the tests that run code in a browser
# (test/helpers/chromium.ts; CHROMIUM_PATH overrides /usr/bin/chromium). Idempotent; prints nothing but errors.
set -euo pipefail
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  # Try with the current package lists first; fetch them only when that fails.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
