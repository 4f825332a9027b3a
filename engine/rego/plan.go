package rego

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// plan is one batch's work: the events each rule of the batch sees, and
// the input in OPA's value form, each event converted at most once per
// shape and only when some rule sees it.
type plan struct {
	active [][]int
	events *ast.Term // native shapes, null where no rule needs one
	tracee *ast.Term // Tracee shapes, likewise
}

// newPlan runs the rules' guards and converts the events that pass. It
// returns nil when no rule can match any event.
func (b *batch) newPlan(evs []*event.Event) *plan {
	// Most events pass no guard: find out before allocating anything.
	if !b.anyPasses(evs) {
		return nil
	}
	p := &plan{active: make([][]int, len(b.rules))}
	var native, tracee []*ast.Term
	found := false
	for k, r := range b.rules {
		for i, ev := range evs {
			if !r.guard.pass(ev) || !r.selects(ev) {
				continue
			}
			p.active[k] = append(p.active[k], i)
			found = true
			if r.info.Format == FormatTracee {
				tracee = convertOnce(tracee, evs, i, TraceeValue)
			} else {
				native = convertOnce(native, evs, i, EventValue)
			}
		}
	}
	if !found {
		return nil
	}
	p.events = fill(native, len(evs))
	p.tracee = fill(tracee, len(evs))
	return p
}

// anyPasses reports whether some rule of b may match some event of evs.
func (b *batch) anyPasses(evs []*event.Event) bool {
	for _, ev := range evs {
		if b.mayMatch(ev) {
			return true
		}
	}
	return false
}

// mayMatch reports whether some rule of b may match ev. A panic, which
// hostile input must not turn into a crash of the sensor, says yes: the
// evaluation that follows recovers and reports it.
func (b *batch) mayMatch(ev *event.Event) (may bool) {
	defer func() {
		if recover() != nil {
			may = true
		}
	}()
	for _, r := range b.rules {
		if r.guard.pass(ev) && r.selects(ev) {
			return true
		}
	}
	return false
}

// convertOnce converts evs[i] into terms[i] unless already done.
func convertOnce(terms []*ast.Term, evs []*event.Event, i int, conv func(*event.Event) ast.Value) []*ast.Term {
	if terms == nil {
		terms = make([]*ast.Term, len(evs))
	}
	if terms[i] == nil {
		terms[i] = ast.NewTerm(conv(evs[i]))
	}
	return terms
}

func fill(terms []*ast.Term, n int) *ast.Term {
	if terms == nil {
		return ast.ArrayTerm()
	}
	for i := range terms {
		if terms[i] == nil {
			terms[i] = ast.NullTerm()
		}
	}
	return ast.ArrayTerm(terms...)
}

// input is the batch query's input; active lists, per rule, the indices
// of the events it sees.
func (p *plan) input(active [][]int) ast.Object {
	lists := make([]*ast.Term, len(active))
	for k, idx := range active {
		lists[k] = indexList(idx)
	}
	return ast.NewObject(
		[2]*ast.Term{ast.InternedTerm("events"), p.events},
		[2]*ast.Term{ast.InternedTerm("tracee"), p.tracee},
		[2]*ast.Term{ast.InternedTerm("active"), ast.ArrayTerm(lists...)},
	)
}

func indexList(idx []int) *ast.Term {
	terms := make([]*ast.Term, len(idx))
	for j, i := range idx {
		terms[j] = ast.InternedTerm(i)
	}
	return ast.ArrayTerm(terms...)
}
