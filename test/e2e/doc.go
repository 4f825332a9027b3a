// Package e2e holds the end-to-end tests: they load splicewatch's real eBPF
// programs into the running kernel, issue real system calls and check the
// events and findings that come out. They need root and skip without it.
package e2e
