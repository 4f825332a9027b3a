// Package catalog defines every event splicewatch emits, once, as data: its
// name and summary, what it means, each argument with its type, origin tags
// and description, where it is hooked in each attach mode, the attacks it
// reveals and the events it relates to.
//
// The definitions are the single source for the event documentation pages
// (docs/events), the JSON Schema (docs/schema/event.schema.json), the
// `splicewatch events` command and the drift tests that hold the sensor's
// decoders to them. Package catalog imports only package event.
package catalog
