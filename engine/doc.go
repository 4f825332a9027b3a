// Package engine dispatches events to the detections that select them and
// turns their matches into findings.
//
// A Detector is anything that can evaluate events: in-process Go
// signatures, a set of Rego rules, an out-of-process plugin. The engine
// indexes detectors by event name, so an event reaches only the detectors
// that selected it. A detector that fails on one event is counted and
// logged; the event still reaches every other detector.
package engine
