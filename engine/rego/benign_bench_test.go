package rego

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// benignEvents reads testdata/benign.jsonl: a vmsplice of 64 bytes into a
// pipe, a splice of a regular file into a pipe and a sendfile of a regular
// file to /dev/null, as `splicewatch run --events` printed them.
func benignEvents(tb testing.TB) []*event.Event {
	tb.Helper()
	raw, err := os.ReadFile("testdata/benign.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var evs []*event.Event
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		ev, err := event.DecodeEvent(sc.Bytes())
		if err != nil {
			tb.Fatalf("testdata/benign.jsonl: %v", err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// benignConfigs are the settings the benign benchmark and test run with:
// none, and SPW-008 watching more paths.
var benignConfigs = []struct {
	name string
	cfg  map[string]any
}{
	{"default", nil},
	{"spw008-extra", map[string]any{
		"spw008_extra_paths":   []any{"/srv/secrets/**", "/opt/*/credentials"},
		"spw008_exclude_paths": []any{"**.pub", "/srv/secrets/public/**"},
	}},
}

// The benign events find nothing under the embedded pack, and no rule
// needs evaluating to say so.
func TestBenignEventsFindNothing(t *testing.T) {
	for _, c := range benignConfigs {
		t.Run(c.name, func(t *testing.T) {
			d := mustLoad(t, &Options{Sources: packSources(), Config: c.cfg})
			for _, ev := range benignEvents(t) {
				var got collect
				if err := d.Evaluate(context.Background(), ev, got.emit); err != nil {
					t.Fatal(err)
				}
				if ids := got.ids(); len(ids) > 0 {
					t.Errorf("%s: found %v", ev.Name, ids)
				}
				// The guards alone decide: no rule is evaluated.
				if d.byEvent[ev.Name].mayMatch(ev) {
					t.Errorf("%s passes a rule's guard", ev.Name)
				}
			}
		})
	}
}

// BenchmarkBenign measures the live path, Detector.Evaluate with one event
// at a time, of the embedded pack on benign events as the sensor reports
// them. ns/op and allocs/op are per event.
func BenchmarkBenign(b *testing.B) {
	ctx := context.Background()
	emit := func(*event.Finding) {}
	for _, c := range benignConfigs {
		d := mustLoad(b, &Options{Sources: packSources(), Config: c.cfg})
		for _, ev := range benignEvents(b) {
			b.Run(c.name+"/"+ev.Name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := d.Evaluate(ctx, ev, emit); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
