package sensor

// The eBPF objects are generated from bpf/ with clang and committed, so a
// plain `go build` needs no C toolchain. `make generate` reruns this.
//
//go:generate go tool bpf2go -cc clang -cflags "-O2 -g -Wall -Werror -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu" -target amd64 -no-strip=false -type sw_header -type sw_vmsplice -type sw_xfer -type sw_kind -type sw_stat tracepoint ../bpf/syscalls.c -- -I../bpf/include
