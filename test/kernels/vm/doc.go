// Package vm boots a kernel and initramfs under qemu (TCG, never KVM) and
// reads the results the initramfs's /init prints on the serial console.
//
// The protocol is a handful of marker lines, each carrying a per-boot random
// token so that test output cannot forge a result:
//
//	SPLICEWATCH-BOOTED <token> uptime=<seconds>
//	SPLICEWATCH-START <token> run=<name>
//	SPLICEWATCH-RESULT <token> run=<name> exit=<status> uptime=<seconds>
//	SPLICEWATCH-DONE <token>
//
// A run without a RESULT line (kernel panic, hang, timeout) counts as failed.
package vm
