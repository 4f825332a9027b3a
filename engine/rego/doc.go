// Package rego runs detection rules written in Rego (Open Policy Agent) as
// an engine.Detector.
//
// Two rule formats load unchanged. A native rule is one package under
// splicewatch.rules.<name> (OPA v1 syntax) that defines metadata, the set
// of event names it selects (events) and a partial set findings whose
// members become the findings' data. A Tracee legacy signature is a package
// under tracee.<ID> (Rego v0 syntax) that defines __rego_metadoc__,
// tracee_selected_events and tracee_match; it sees events in Tracee's shape.
// Any other package is a library (splicewatch.lib ships with the pack).
// Rules read operator settings from data.splicewatch.config.
//
// Rules are compiled and prepared once, at Load. Per event name, every
// rule selecting that name is evaluated by one prepared query over a batch
// of events, and each event is converted to OPA's value form once, by a
// hand-written converter, and shared by every rule that sees it.
//
// Two load-time steps keep that cheap. A guard, derived by partial
// evaluation of the rule with input unknown, holds the comparisons of
// input fields with constants, and the glob.match calls of input fields
// with constant patterns, that any match requires; it is checked in Go,
// without allocating, and an event no rule's guard lets through is
// neither converted nor evaluated. A rule that reads the event only through input is copied
// into the batch query with input replaced by the event, instead of being
// evaluated under `with input`.
//
// A rule that fails at run time (conflict, timeout, cancellation) is
// isolated: the batch is evaluated again rule by rule, the failure is
// counted and logged, and every other rule still sees the event.
//
// A Detector is safe for concurrent use.
package rego
