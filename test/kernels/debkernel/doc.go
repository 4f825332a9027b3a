// Package debkernel fetches a Debian kernel image package with apt and
// extracts the bootable kernel and its config into a cache directory outside
// the source tree, so the kernel matrix downloads each kernel once.
package debkernel
