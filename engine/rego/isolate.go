package rego

import (
	"context"
	"errors"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// isolate evaluates a batch rule by rule after the combined query failed,
// so that one failing rule costs only its own findings. A rule that fails
// on its events for a reason other than its deadline is retried event by
// event, to keep its findings for the events it handles.
func (d *Detector) isolate(ctx context.Context, b *batch, p *plan, evs []*event.Event, emit func(*event.Finding)) error {
	for k, r := range b.rules {
		active := p.active[k]
		if len(active) == 0 {
			continue
		}
		err := d.evalAlone(ctx, r, p, active, evs, emit)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) || len(active) == 1 {
			d.fail(r, evs[active[0]], err)
			continue
		}
		for _, i := range active {
			if err := d.evalAlone(ctx, r, p, []int{i}, evs, emit); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				d.fail(r, evs[i], err)
			}
		}
	}
	return nil
}

// evalAlone runs r's own query over the events at the active indices.
func (d *Detector) evalAlone(ctx context.Context, r *rule, p *plan, active []int, evs []*event.Event, emit func(*event.Finding)) error {
	input := ast.NewObject(
		[2]*ast.Term{ast.InternedTerm("events"), p.events},
		[2]*ast.Term{ast.InternedTerm("tracee"), p.tracee},
		[2]*ast.Term{ast.InternedTerm("active"), indexList(active)},
	)
	rs, err := d.query(ctx, r.alone, input, true)
	if err != nil {
		return err
	}
	for _, t := range resultList(rs) {
		pair, ok := t.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		if i, ok := index(pair[0], len(evs)); ok {
			d.emit(r, evs[i], pair[1], emit)
		}
	}
	return nil
}

// fail counts and logs, rate-limited per rule, a rule's runtime failure.
func (d *Detector) fail(r *rule, ev *event.Event, err error) {
	d.m.ruleErrors.WithLabelValues(r.info.ID).Inc()
	d.logEvery[r.idx].Do(func() {
		d.log.Error("rule evaluation failed", "rule", r.info.ID, "file", r.info.File,
			"event", ev.Name, "pid", ev.Process.PID, "error", err)
	})
}
