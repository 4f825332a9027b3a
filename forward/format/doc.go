// Package format turns a finding into the wire formats SIEMs and pipelines
// expect: Falcosidekick's payload, RFC 5424 syslog, ArcSight CEF, Elastic
// Common Schema documents and OCSF Detection Findings.
//
// Every function is pure: a finding in, bytes out, no I/O. Values taken from
// the finding are hostile (a process name is chosen by whoever runs the
// process), so each encoder escapes them by its format's rules.
package format
