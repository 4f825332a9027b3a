package rego

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/open-policy-agent/opa/v1/rego"
	"golang.org/x/time/rate"

	"github.com/splicewatch/splicewatch/event"
)

// DetectorName is the name every rule set reports, so that a reloaded set
// replaces the running one in engine.Replace.
const DetectorName = "rego"

// ErrPanic is returned when evaluation panicked; the panic is recovered.
var ErrPanic = errors.New("rego evaluation panicked")

// MaxBatch is the largest number of events one query evaluates; larger
// batches are split.
const MaxBatch = 512

// Detector evaluates a compiled rule set. It implements engine.Detector and
// is safe for concurrent use.
type Detector struct {
	rules   []*rule
	names   []string
	byEvent map[string]*batch
	timeout time.Duration
	log     *slog.Logger
	m       *metrics
	// logEvery rate-limits failure logs, per rule; libLogEvery those of
	// errors outside any rule's file.
	logEvery    []*rate.Sometimes
	libLogEvery *rate.Sometimes
	// spans maps rows of the generated batch modules to inlined rules.
	spans map[string][]span
}

// batch is the prepared query for one event name.
type batch struct {
	query  rego.PreparedEvalQuery
	rules  []*rule
	native bool
	tracee bool
}

func newDetector(o *Options, rules []*rule, names []string) *Detector {
	d := &Detector{
		rules:   rules,
		names:   names,
		byEvent: make(map[string]*batch, len(names)),
		timeout: o.Timeout,
		log:     o.Logger,
		m:       newMetrics(o.Registerer),
	}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.libLogEvery = &rate.Sometimes{Interval: 10 * time.Second}
	d.logEvery = make([]*rate.Sometimes, len(rules))
	for i := range rules {
		d.logEvery[i] = &rate.Sometimes{Interval: 10 * time.Second}
	}
	return d
}

func newBatch(q rego.PreparedEvalQuery, rules []*rule, idx []int) *batch {
	b := &batch{query: q}
	for _, i := range idx {
		r := rules[i]
		b.rules = append(b.rules, r)
		if r.info.Format == FormatTracee {
			b.tracee = true
		} else {
			b.native = true
		}
	}
	return b
}

// Name implements engine.Detector.
func (d *Detector) Name() string { return DetectorName }

// Events implements engine.Detector: the names selected by any rule.
func (d *Detector) Events() []string { return append([]string(nil), d.names...) }

// Rules implements engine.Detector.
func (d *Detector) Rules() []event.Rule {
	out := make([]event.Rule, len(d.rules))
	for i, r := range d.rules {
		out[i] = r.info.Rule
	}
	return out
}

// Info describes every loaded rule, in load order.
func (d *Detector) Info() []RuleInfo {
	out := make([]RuleInfo, len(d.rules))
	for i, r := range d.rules {
		out[i] = r.info
		out[i].Guarded, out[i].Inlined = r.guard != nil, r.inline != nil
	}
	return out
}

// Evaluate implements engine.Detector. It is EvaluateBatch with one event.
func (d *Detector) Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) (err error) {
	// The live path: one event at a time, usually matching nothing. The
	// guards say so before anything is allocated.
	b, ok := d.byEvent[ev.Name]
	if !ok || !b.mayMatch(ev) {
		return nil
	}
	return d.EvaluateBatch(ctx, []*event.Event{ev}, emit)
}

// EvaluateBatch evaluates evs, in groups of one event name, and calls emit
// for each finding, in event order within each group. A failing rule is
// counted and logged and does not stop the others; the error returned is
// only ever the cancellation of ctx.
func (d *Detector) EvaluateBatch(ctx context.Context, evs []*event.Event, emit func(*event.Finding)) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer func() {
		// Hostile input must not take the sensor down, even through a bug
		// in the evaluator.
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	groups := map[string][]*event.Event{}
	var order []string
	for _, ev := range evs {
		if _, ok := d.byEvent[ev.Name]; !ok {
			continue
		}
		if _, seen := groups[ev.Name]; !seen {
			order = append(order, ev.Name)
		}
		groups[ev.Name] = append(groups[ev.Name], ev)
	}
	for _, name := range order {
		group := groups[name]
		for len(group) > 0 {
			n := min(len(group), MaxBatch)
			if err := d.evalBatch(ctx, d.byEvent[name], group[:n], emit); err != nil {
				return err
			}
			group = group[n:]
		}
	}
	return nil
}

func (d *Detector) evalBatch(ctx context.Context, b *batch, evs []*event.Event, emit func(*event.Finding)) error {
	p := b.newPlan(evs)
	if p == nil {
		return nil
	}
	// On failure the batch is evaluated again rule by rule, which reports
	// the builtin errors then.
	rs, err := d.query(ctx, b.query, p.input(p.active), false)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.m.isolations.Inc()
		return d.isolate(ctx, b, p, evs, emit)
	}
	for _, t := range resultList(rs) {
		pair, ok := t.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		i, iok := index(pair[0], len(evs))
		inner, _ := pair[1].([]any)
		if !iok || len(inner) != 2 {
			continue
		}
		r, rok := index(inner[0], len(d.rules))
		if !rok {
			continue
		}
		d.emit(d.rules[r], evs[i], inner[1], emit)
	}
	return nil
}

// emit turns one match into a finding. A Tracee match of true carries no
// data; a finding that is not an object is wrapped as {"value": v}.
func (d *Detector) emit(r *rule, ev *event.Event, v any, emit func(*event.Finding)) {
	if !r.selects(ev) {
		return
	}
	var data map[string]any
	switch x := v.(type) {
	case bool:
		if !x {
			return
		}
	case map[string]any:
		data = event.NormalizeData(x)
	default:
		data = event.NormalizeData(map[string]any{"value": x})
	}
	emit(event.NewFinding(r.info.Rule, ev, data))
}

// resultList returns the single collection value a query produced.
func resultList(rs rego.ResultSet) []any {
	if len(rs) == 0 {
		return nil
	}
	if len(rs[0].Expressions) > 0 {
		if l, ok := rs[0].Expressions[0].Value.([]any); ok {
			return l
		}
	}
	if l, ok := rs[0].Bindings["x"].([]any); ok {
		return l
	}
	return nil
}

// index reads a query's integer index and checks it against n.
func index(v any, n int) (int, bool) {
	num, ok := v.(interface{ Int64() (int64, error) })
	if !ok {
		return 0, false
	}
	i, err := num.Int64()
	if err != nil || i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}
