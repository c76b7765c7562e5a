#!/usr/bin/env bash
# Install Debian's chromium for the browser test tier (root on Debian/Ubuntu only).
# We pin the version we test with; Debian's security archive replaces old builds, so when the pin has
# left the archive we take the current candidate and say so, rather than failing CI on a mirror change.
set -euo pipefail
PIN="156.0.8078.114-1~deb12u1"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if apt-cache madison chromium | grep -qF "$PIN"; then
  apt-get install -y -qq --no-install-recommends "chromium=$PIN" >/dev/null
else
  echo "warning: chromium $PIN is no longer in the archive; installing $(apt-cache policy chromium | awk '/Candidate/{print $2}')" >&2
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true
