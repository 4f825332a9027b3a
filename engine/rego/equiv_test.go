package rego

import (
	"context"
	"slices"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// The batch engine, with its guards, finds exactly what the naive
// evaluation of every rule on every selected event finds.
func TestEngineMatchesNaive(t *testing.T) {
	ctx := context.Background()
	srcs := benchSources(20)
	d := mustLoad(t, &Options{Sources: srcs})
	n := newNaive(t, d, srcs)
	mix := benchMix(3000)
	var got, want []string
	if err := d.EvaluateBatch(ctx, mix, func(f *event.Finding) { got = append(got, f.ID) }); err != nil {
		t.Fatal(err)
	}
	for _, ev := range mix {
		n.evaluate(ctx, ev, asMap(t, ev), func(f *event.Finding) { want = append(want, f.ID) })
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("engine found %d findings, naive %d", len(got), len(want))
	}
	guarded := 0
	for _, r := range d.rules {
		if r.guard != nil {
			guarded++
		}
	}
	t.Logf("%d findings; %d of %d rules guarded", len(got), guarded, len(d.rules))
}
