package rego

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// query evaluates q on input within the detector's timeout. A deadline hit
// is reported as context.DeadlineExceeded. Errors of builtins, which OPA
// treats as undefined (a type error such as startswith(5, "x")), do not
// stop the query; those OPA reports (in rules inlined into the batch
// query) are counted against their rule, and logged, when always is set
// or the query succeeds.
func (d *Detector) query(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value, always bool) (rego.ResultSet, error) {
	qctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	var builtinErrs []topdown.Error
	rs, err := q.Eval(qctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&builtinErrs))
	if err == nil || always {
		for i := range builtinErrs {
			d.builtinFailed(&builtinErrs[i])
		}
	}
	if err != nil && qctx.Err() != nil && ctx.Err() == nil {
		return nil, errors.Join(context.DeadlineExceeded, err)
	}
	return rs, err
}

// ruleAt returns the rule whose source holds loc: a rule file, or the rows
// of a generated batch module an inlined rule was copied to. It returns
// nil for a library file.
func (d *Detector) ruleAt(loc *ast.Location) *rule {
	if loc == nil {
		return nil
	}
	if spans, ok := d.spans[loc.File]; ok {
		i := sort.Search(len(spans), func(i int) bool { return spans[i].to >= loc.Row })
		if i < len(spans) && spans[i].from <= loc.Row {
			return d.rules[spans[i].rule]
		}
		return nil
	}
	for _, r := range d.rules {
		if r.info.File == loc.File {
			return r
		}
	}
	return nil
}

// builtinFailed counts and logs, rate-limited, a builtin's error.
func (d *Detector) builtinFailed(e *topdown.Error) {
	r := d.ruleAt(e.Location)
	if r == nil {
		file := "unknown"
		if e.Location != nil {
			file = e.Location.File
		}
		d.m.ruleErrors.WithLabelValues(file).Inc()
		d.libLogEvery.Do(func() {
			d.log.Error("rule library evaluation failed", "file", file, "error", e)
		})
		return
	}
	d.m.ruleErrors.WithLabelValues(r.info.ID).Inc()
	d.logEvery[r.idx].Do(func() {
		d.log.Error("rule evaluation failed", "rule", r.info.ID, "file", r.info.File, "error", fmt.Errorf("builtin: %w", e))
	})
}
