#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the servers the tests start
# themselves (Dovecot, mbsync for benchmarks, Chromium for browser tests) and a Python venv.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v doveadm >/dev/null 2>&1 || need+=(dovecot-core)
command -v mbsync >/dev/null 2>&1 || need+=(isync)
# Browser tests drive Debian's chromium with Playwright (never `playwright install`).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Several daemons on one PostgreSQL are tested behind PgBouncer in transaction mode too.
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || need+=(pgbouncer)
# CVs and card photos are read by OCR (`ocr = true`); the CV corpus builder draws with DejaVu.
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in eng rus deu fra; do
  [ -e "/usr/share/tesseract-ocr/5/tessdata/$lang.traineddata" ] || need+=("tesseract-ocr-$lang")
done
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Word 97-2003 .doc CVs are converted by catdoc.
command -v catdoc >/dev/null 2>&1 || need+=(catdoc)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The packages start a system-wide Dovecot and PgBouncer; the tests run their own instances
# and never use those.

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>/dev/null || true
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
