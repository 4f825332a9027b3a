// Package sdk is the contract for Go signatures. A signature written against
// it runs compiled into splicewatch or, unchanged, as a separate plugin
// binary served over hashicorp/go-plugin.
//
// A plugin author imports this package and package event, nothing else.
package sdk

import "github.com/splicewatch/splicewatch/event"

// Metadata describes a signature: id, name, severity, description, tags,
// MITRE ATT&CK ids and version. It is copied into every finding.
type Metadata = event.Rule

// Signature is a Go detection. The engine calls OnEvent only for events
// whose name is in Events, one event at a time per signature instance, so an
// implementation needs no locking of its own state.
type Signature interface {
	// Metadata returns the signature's rule metadata.
	Metadata() Metadata
	// Events returns the names of the events the signature selects.
	Events() []string
	// OnEvent inspects ev and calls emit once per finding, with the data
	// the finding should carry. An error is counted and logged by the host;
	// it does not stop other signatures.
	//
	// ev and emit are valid only until OnEvent returns: the host reuses
	// the event's memory for later events. Emit before returning, and
	// keep ev.Clone(), not ev, in state that outlives the call. Integers
	// and booleans read from ev are copies; strings, lists and objects
	// are not (strings.Clone a string to keep it). Data given to emit may
	// hold anything from ev: the host copies it.
	OnEvent(ev *event.Event, emit func(data map[string]any)) error
}

// Closer is implemented by signatures that hold resources.
type Closer interface {
	Close() error
}
