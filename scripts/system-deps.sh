#!/usr/bin/env bash
# Debian packages the tests use: poppler-utils (pdfsig, pdftoppm, pdftotext), qpdf, NSS tools
# (certutil) and Chromium. Installed when missing and we may (root with apt-get); else we say what to install.
set -euo pipefail
need=()
command -v pdfsig >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v certutil >/dev/null || need+=(libnss3-tools)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[kinerja] installing Debian packages: ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "[kinerja] missing system packages: ${need[*]} — install them (e.g. sudo apt-get install ${need[*]})." >&2
  exit 1
fi
