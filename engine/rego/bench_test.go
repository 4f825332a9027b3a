package rego

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/splicewatch/splicewatch/event"
)

// naive is the baseline: every rule prepared on its own, evaluated with
// rego.EvalInput(map) once per event per selecting rule.
type naive struct {
	byEvent map[string][]naiveRule
}

type naiveRule struct {
	info RuleInfo
	q    rego.PreparedEvalQuery
}

func newNaive(b testing.TB, d *Detector, srcs []Source) *naive {
	return newNaiveWithConfig(b, d, srcs, nil)
}

func newNaiveWithConfig(b testing.TB, d *Detector, srcs []Source, cfg map[string]any) *naive {
	mods, err := parseSources(srcs, false)
	if err != nil {
		b.Fatal(err)
	}
	n := &naive{byEvent: map[string][]naiveRule{}}
	for _, r := range d.rules {
		opts := []func(*rego.Rego){rego.Query(r.pkg.String() + ".findings"), rego.Store(newStore(cfg))}
		for _, m := range mods {
			opts = append(opts, rego.ParsedModule(m))
		}
		q, err := rego.New(opts...).PrepareForEval(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range r.info.Events {
			n.byEvent[e] = append(n.byEvent[e], naiveRule{info: r.info, q: q})
		}
	}
	return n
}

func (n *naive) evaluate(ctx context.Context, ev *event.Event, input map[string]any, emit func(*event.Finding)) {
	for _, r := range n.byEvent[ev.Name] {
		rs, err := r.q.Eval(ctx, rego.EvalInput(input))
		if err != nil {
			panic(err)
		}
		for _, res := range rs {
			for _, f := range res.Expressions[0].Value.([]any) {
				m, _ := f.(map[string]any)
				emit(event.NewFinding(r.info.Rule, ev, m))
			}
		}
	}
}

// asMap is an event as a naive engine hands it to OPA: its JSON form.
func asMap(b testing.TB, ev *event.Event) map[string]any {
	raw, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	if err := util.NewJSONDecoder(bytes.NewReader(raw)).Decode(&m); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkRego compares, on the shipped pack plus 20 generated rules and
// a realistic event mix, the naive baseline with the batch engine, the
// batch engine without guards, and the engine fed one event per query. ns/op is per event; each
// engine sub-benchmark reports its speed-up over naive measured in the
// same run ("x-naive") and events/s. The naive baseline gets its input
// maps built outside the timer; the engine's timing includes converting
// every event.
func BenchmarkRego(b *testing.B) {
	ctx := context.Background()
	srcs := benchSources(20)
	mix := benchMix(4096)
	load := func(o *Options) *Detector {
		o.Sources = srcs
		d, err := Load(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	d := load(&Options{})
	b.Logf("%d rules; rules per event name: %s", len(d.rules), eventNames(d))

	// Engine variants run first, the naive baseline last (its garbage
	// would otherwise weigh on the others); the baseline reports each
	// variant's speed-up, all measured in this run.
	perEvent := map[string]float64{}
	done := func(b *testing.B, name string) {
		per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		perEvent[name] = per
		b.ReportMetric(1e9/per, "events/s")
	}
	batch := func(name string, d *Detector) {
		b.Run(name, func(b *testing.B) {
			emit := func(*event.Finding) {}
			for n := 0; n < b.N; {
				off := n % len(mix)
				k := min(MaxBatch, b.N-n, len(mix)-off)
				if err := d.EvaluateBatch(ctx, mix[off:off+k], emit); err != nil {
					b.Fatal(err)
				}
				n += k
			}
			done(b, name)
		})
	}
	batch("batch", d)
	// Without guards: every event converted and seen by every rule that
	// selects it, rules inlined into the batch query.
	batch("batch-noguard", load(&Options{noGuards: true}))
	// Neither guards nor inlining: every rule under `with input`.
	batch("batch-with", load(&Options{noGuards: true, noInline: true}))
	b.Run("single", func(b *testing.B) {
		for i := range b.N {
			if err := d.Evaluate(ctx, mix[i%len(mix)], func(*event.Finding) {}); err != nil {
				b.Fatal(err)
			}
		}
		done(b, "single")
	})
	b.Run("convert", func(b *testing.B) {
		var sink ast.Value
		for i := range b.N {
			sink = EventValue(mix[i%len(mix)])
		}
		_ = sink
	})
	b.Run("convert-interface", func(b *testing.B) {
		maps := make([]map[string]any, len(mix))
		for i, ev := range mix {
			maps[i] = asMap(b, ev)
		}
		b.ResetTimer()
		for i := range b.N {
			if _, err := ast.InterfaceToValue(maps[i%len(maps)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("naive", func(b *testing.B) {
		n := newNaive(b, d, srcs)
		maps := make([]map[string]any, len(mix))
		for i, ev := range mix {
			maps[i] = asMap(b, ev)
		}
		b.ResetTimer()
		for i := range b.N {
			k := i % len(mix)
			n.evaluate(ctx, mix[k], maps[k], func(*event.Finding) {})
		}
		naive := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		for _, name := range []string{"batch", "batch-noguard", "batch-with", "single"} {
			if per := perEvent[name]; per > 0 {
				b.ReportMetric(naive/per, "x-"+name)
			}
		}
	})
}
