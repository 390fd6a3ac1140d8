#!/usr/bin/env bash
# Installs what is missing for PoseScope on a fresh Debian machine, and nothing that is there.
#   scripts/bootstrap.sh        runtime: system libraries + .venv with requirements.txt
#   scripts/bootstrap.sh test   also Xvfb and the test requirements
# The venv is reused when a marker records that it was completed for the same requirements.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

apt_packages=(libgl1 libegl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
              libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libdbus-1-3
              libfontconfig1 libglib2.0-0)
[ "$mode" = test ] && apt_packages+=(xvfb xauth)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

reqs=(requirements.txt); [ "$mode" = test ] && reqs+=(requirements-test.txt)
stamp=".venv/.complete-$(cat "${reqs[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  echo "installing Python packages into .venv (torch comes from the local wheel store; a few minutes)"
  .venv/bin/python -m pip install -q --disable-pip-version-check $(printf -- '-r %s ' "${reqs[@]}")
  touch "$stamp"
fi
