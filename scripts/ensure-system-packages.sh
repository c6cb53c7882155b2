#!/usr/bin/env bash
# Make sure the Debian packages lindung needs are installed; install the missing ones (one apt-get update first).
#   scripts/ensure-system-packages.sh [fonts] [postgresql] [chromium]     (no argument: all three)
# fonts:      DejaVu Sans (fonts-dejavu-core), embedded in every PDF report; `make install` and `make run`
# postgresql: the PostgreSQL server binaries (initdb, pg_ctl) for the test run on PostgreSQL
# chromium:   Debian's Chromium, which Playwright drives in the browser tests (Playwright never downloads one)
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(fonts postgresql chromium)

missing=()
for what in "${wanted[@]}"; do
  case "$what" in
    fonts)
      [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] ||
        missing+=(fonts-dejavu-core)
      ;;
    postgresql)
      ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
      ;;
    chromium)
      [ -x /usr/bin/chromium ] || missing+=(chromium)
      ;;
    *)
      echo "usage: $0 [fonts] [postgresql] [chromium]" >&2
      exit 2
      ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
