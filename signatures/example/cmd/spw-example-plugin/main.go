// Command spw-example-plugin serves the example signature as a splicewatch
// plugin. Build it, install it in the plugin folder and add its checksum to
// the allow list; see ../../README.md.
package main

import (
	"github.com/splicewatch/splicewatch/signatures/example"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

func main() {
	sdk.Serve(&example.GiftedPages{})
}
