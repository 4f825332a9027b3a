// Package rules is splicewatch's shipped Rego rule pack, embedded in the
// binary: the splicewatch.lib helper package, the SPW-* rules and their
// tests (*_test.rego, run with `splicewatch rules test`).
package rules

import (
	"embed"
	"io/fs"
)

//go:embed *.rego lib/*.rego
var pack embed.FS

// FS returns the embedded rule pack.
func FS() fs.FS { return pack }

// Lib returns the splicewatch.lib helper package alone, for rule sets
// loaded without the rest of the pack.
func Lib() fs.FS {
	lib, err := fs.Sub(pack, "lib")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return lib
}
