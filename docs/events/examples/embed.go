// Package examples holds one real event per kind, as JSON (NAME.json),
// captured on a real kernel by the end-to-end test TestWriteExamples in
// test/e2e. The event documentation pages embed them, and `splicewatch
// events describe` prints them.
package examples

import "embed"

// FS holds the example files, NAME.json for each event kind.
//
//go:embed *.json
var FS embed.FS
