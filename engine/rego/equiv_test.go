package rego

import (
	"context"
	"slices"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// The batch engine, with its guards, finds exactly what the naive
// evaluation of every rule on every selected event finds.
// Each evaluation path (guards, rules inlined into the batch query, rules
// under `with input`) is checked on its own.
func TestEngineMatchesNaive(t *testing.T) {
	ctx := context.Background()
	srcs := benchSources(20)
	mix := benchMix(3000)
	var want []string
	for i, o := range []*Options{{}, {noGuards: true}, {noGuards: true, noInline: true}} {
		o.Sources = srcs
		d := mustLoad(t, o)
		if i == 0 {
			n := newNaive(t, d, srcs)
			for _, ev := range mix {
				n.evaluate(ctx, ev, asMap(t, ev), func(f *event.Finding) { want = append(want, f.ID) })
			}
			slices.Sort(want)
		}
		var got []string
		if err := d.EvaluateBatch(ctx, mix, func(f *event.Finding) { got = append(got, f.ID) }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("noGuards=%v noInline=%v: engine found %d findings, naive %d", o.noGuards, o.noInline, len(got), len(want))
		}
		guarded, inlined := 0, 0
		for _, r := range d.rules {
			if r.guard != nil {
				guarded++
			}
			if r.inline != nil {
				inlined++
			}
		}
		t.Logf("noGuards=%v noInline=%v: %d findings; of %d rules, %d guarded, %d inlined",
			o.noGuards, o.noInline, len(got), len(d.rules), guarded, inlined)
	}
}
