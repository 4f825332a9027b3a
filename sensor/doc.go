// Package sensor captures vmsplice, splice, tee and sendfile calls with eBPF
// and turns them into events.
//
// A Sensor loads the generated eBPF objects (built from bpf/ by bpf2go),
// attaches them, reads their ring buffer and decodes each record into an
// event.Event with one pure decoder per record kind. It counts what the
// kernel side could not deliver and reports it as events_lost events and
// metrics; nothing is dropped silently.
//
// Loading needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN) and kernel
// BTF; New reports either missing with an error that says what to do.
package sensor
