#!/usr/bin/env bash
# install-deps.sh installs what the qemu kernel matrix needs: qemu (used with
# TCG only, never KVM), cpio, and a static busybox for the initramfs.
# Idempotent: it installs nothing when the packages are present, and runs
# apt-get update at most once per call.
set -euo pipefail

pkgs=(qemu-system-x86 cpio busybox-static)
need=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		need+=("$p")
	fi
done

if [ ${#need[@]} -eq 0 ]; then
	echo "install-deps: ${pkgs[*]} already installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: root needed to install: ${need[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "install-deps: installed ${need[*]}"
