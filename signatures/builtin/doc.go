// Package builtin holds the Go signatures compiled into splicewatch. Each is
// written against package sdk, exactly as a third-party plugin would be.
package builtin

import "github.com/splicewatch/splicewatch/signatures/sdk"

// All returns a fresh instance of every built-in signature.
func All() []sdk.Signature {
	return []sdk.Signature{
		&KernelIOVBase{},
		NewFailedZeroCopyBurst(nil),
	}
}
