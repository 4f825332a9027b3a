// Package trigger issues the zero-copy system calls that splicewatch must
// see: exploit-shaped vmsplice calls and benign pipe traffic. The
// end-to-end tests call it in-process; cmd/sw-trigger wraps it for manual
// runs against `splicewatch run`.
//
// Every function makes raw system calls, so each call maps to exactly one
// kernel event.
package trigger
