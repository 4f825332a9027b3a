#!/usr/bin/env bash
# Installs what building and testing splicewatch needs on Debian/Ubuntu:
# the Go toolchain, clang and libbpf headers (make generate and the CI
# compile check), and the receivers and emulators the tests start.
# Idempotent; run as root.
set -euo pipefail

GO_VERSION=1.26.8
pkgs=(clang llvm libbpf-dev linux-libc-dev make git ca-certificates unzip
      qemu-system-x86 cpio busybox-static
      rsyslog rsyslog-gnutls gnutls-bin openssl)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Go: Debian's golang-go is too old to build splicewatch, but it can fetch
# the official toolchain, which the Go module proxy serves as the module
# golang.org/toolchain.
have_go() {
	local v
	v=$(PATH="/usr/local/go/bin:$PATH" go env GOVERSION 2>/dev/null) || return 1
	[ "$(printf '%s\n' "go$GO_VERSION" "$v" | sort -V | head -1)" = "go$GO_VERSION" ]
}
if ! have_go; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends golang-go
	tmp=$(mktemp -d)
	trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
	mod="golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-amd64"
	dir=$(cd "$tmp" && GOPATH="$tmp/gopath" GOTOOLCHAIN=local GOFLAGS= /usr/lib/go/bin/go mod download -json "$mod" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir" ] || { echo "install-deps: could not download $mod" >&2; exit 1; }
	rm -rf /usr/local/go
	cp -a "$dir" /usr/local/go
	chmod -R u+w,a+rX /usr/local/go
	chmod a+x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/*
	ln -sf /usr/local/go/bin/go /usr/local/bin/go
	ln -sf /usr/local/go/bin/gofmt /usr/local/bin/gofmt
fi

# Syscall tracepoints are attached through tracefs.
if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing || true
fi
