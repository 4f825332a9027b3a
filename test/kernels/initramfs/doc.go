// Package initramfs builds the initramfs the kernel matrix boots: a static
// busybox, the static test binary with its files under /work, and an /init
// script that mounts the pseudo file systems the sensor needs, runs the binary
// once per run with that run's environment, prints the marker lines package
// vm reads, and powers the machine off.
package initramfs
