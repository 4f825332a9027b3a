package rego

import (
	"context"
	"errors"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/splicewatch/splicewatch/event"
)

// isolate evaluates a batch rule by rule after the combined query failed,
// so that one failing rule costs only its own findings. A rule that fails
// on the whole batch for a reason other than its deadline is retried event
// by event, to keep its findings for the events it handles.
func (d *Detector) isolate(ctx context.Context, b *batch, input ast.Object, evs []*event.Event, emit func(*event.Finding)) error {
	for _, r := range b.rules {
		err := d.evalAlone(ctx, r, input, evs, emit)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) || len(evs) == 1 {
			d.fail(r, evs[0], err)
			continue
		}
		for i := range evs {
			one := singleInput(input, i)
			if err := d.evalAlone(ctx, r, one, evs[i:i+1], emit); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				d.fail(r, evs[i], err)
			}
		}
	}
	return nil
}

// evalAlone runs r's own query over input, whose arrays hold evs.
func (d *Detector) evalAlone(ctx context.Context, r *rule, input ast.Object, evs []*event.Event, emit func(*event.Finding)) error {
	qctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	rs, err := r.alone.Eval(qctx, rego.EvalParsedInput(input))
	if err != nil {
		if qctx.Err() != nil && ctx.Err() == nil {
			return errors.Join(context.DeadlineExceeded, err)
		}
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

// singleInput returns a batch input holding only event i of input.
func singleInput(input ast.Object, i int) ast.Object {
	out := ast.NewObjectWithCapacity(2)
	input.Foreach(func(k, v *ast.Term) {
		if arr, ok := v.Value.(*ast.Array); ok && i < arr.Len() {
			out.Insert(k, ast.ArrayTerm(arr.Elem(i)))
		}
	})
	return out
}

// fail counts and logs, rate-limited per rule, a rule's runtime failure.
func (d *Detector) fail(r *rule, ev *event.Event, err error) {
	d.m.ruleErrors.WithLabelValues(r.info.ID).Inc()
	d.logEvery[r.idx].Do(func() {
		d.log.Error("rule evaluation failed", "rule", r.info.ID, "file", r.info.File,
			"event", ev.Name, "pid", ev.Process.PID, "error", err)
	})
}
