package sensor

// The eBPF objects are generated from bpf/ with clang and committed, so a
// plain `go build` needs no C toolchain. `make generate` reruns these. One
// object per attach mode; the record types come from the tracepoint object
// (all three share bpf/include/sw_event.h).
//
//go:generate go tool bpf2go -cc clang -cflags "-O2 -g -Wall -Werror -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu" -target amd64 -type sw_header -type sw_vmsplice -type sw_xfer -type sw_kind -type sw_stat -type sw_fd -type sw_fd_type -type sw_race -type sw_page_race -type sw_proc tracepoint ../bpf/syscalls.c -- -I../bpf/include
//go:generate go tool bpf2go -cc clang -cflags "-O2 -g -Wall -Werror -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu" -target amd64 kprobe ../bpf/kprobe.c -- -I../bpf/include
//go:generate go tool bpf2go -cc clang -cflags "-O2 -g -Wall -Werror -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu" -target amd64 fentry ../bpf/fentry.c -- -I../bpf/include
