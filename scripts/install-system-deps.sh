#!/usr/bin/env bash
# Install a Debian package the test suite needs, or fail with a clear message.
set -euo pipefail
pkg="$1"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing $pkg with apt-get…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
else
  echo "The test suite needs the Debian package '$pkg' (e.g. 'sudo apt-get install $pkg')." >&2
  exit 1
fi
