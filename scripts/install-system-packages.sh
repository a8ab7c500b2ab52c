#!/usr/bin/env bash
# Debian packages the project needs beyond Node, Java and Maven: checks from outside (kcat, pdftotext), pages (chromium), CJK fonts.
set -euo pipefail
packages=(kcat poppler-utils chromium fonts-noto-cjk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
echo "installing Debian packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
