// Package example is a Go signature written against package sdk, to copy
// from. The same GiftedPages value runs compiled into a program or, through
// cmd/spw-example-plugin, as a splicewatch plugin. See README.md.
package example
