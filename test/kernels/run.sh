#!/usr/bin/env bash
# run.sh builds a Go test package as a static binary and runs it in the qemu
# kernel matrix (see docs/kernels.md).
#
#   test/kernels/run.sh ./PKG [kernelmatrix flags] [-- test binary flags]
#
# e.g. test/kernels/run.sh ./test/e2e -modes fentry,kprobe,tracepoint -- -test.v
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=${1:?usage: test/kernels/run.sh ./PKG [kernelmatrix flags] [-- test flags]}
shift
bash test/kernels/install-deps.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin="$out/$(basename "$pkg").test"
CGO_ENABLED=0 go test -c -o "$bin" "$pkg"
go build -o "$out/kernelmatrix" ./test/kernels/cmd/kernelmatrix
"$out/kernelmatrix" -binary "$bin" "$@"
