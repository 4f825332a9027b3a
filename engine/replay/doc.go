// Package replay reads recorded events, one JSON object per line, and runs
// them through detectors as `splicewatch analyze` does.
//
// Two formats are read: splicewatch's own event JSON (the output of
// `splicewatch run --events`) and Tracee's event JSON, converted on input
// to splicewatch events. A malformed line is reported with its line number
// and skipped; reading goes on.
package replay
