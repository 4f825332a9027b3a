// Package event is splicewatch's shared vocabulary: the Event a sensor
// captures, the Finding a signature produces, and the rule metadata attached
// to findings.
//
// Every other package imports event; event imports nothing of splicewatch.
// The JSON encoding of Event and Finding is a public, versioned contract
// (see docs/events.md and docs/findings.md): fields are only ever added.
//
// Integer values are kept exact. Arguments hold int64 for values that fit,
// uint64 above that, so a kernel address such as 0xffffffffff600000
// survives encoding and decoding unchanged.
package event
