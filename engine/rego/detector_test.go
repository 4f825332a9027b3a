package rego

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
)

func TestPackFindings(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	benignVM := vmsplice(5, 65536, 0)
	benignVM.Process.Comm = "yes"
	for _, tc := range []struct {
		name string
		ev   *event.Event
		cfg  map[string]any
		want []string
	}{
		{"page-array exploit", vmsplice(1, -32, 1), nil, []string{"SPW-002", "SPW-010"}},
		{"overlong, reader present", vmsplice(1, 4096, 1), nil, []string{"SPW-002"}},
		{"epipe only", vmsplice(1, -32, 0), nil, []string{"SPW-010"}},
		{"epipe allowed by config", vmsplice(1, -32, 0), map[string]any{"spw010_allowed_comms": []any{"exploit"}}, nil},
		{"benign vmsplice", benignVM, nil, nil},
		{"splice", splice(2), nil, nil},
		{"sendfile", sendfile(3), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := d
			if tc.cfg != nil {
				d = mustLoad(t, &Options{Sources: packSources(), Config: tc.cfg})
			}
			var c collect
			if err := d.Evaluate(context.Background(), tc.ev, c.emit); err != nil {
				t.Fatal(err)
			}
			got := c.ids()
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("findings %v, want %v", got, tc.want)
			}
			for _, f := range c.fs {
				if f.Event != tc.ev || f.ID != event.FindingID(f.Rule.ID, tc.ev, f.Data) {
					t.Fatalf("finding not built from the event: %+v", f)
				}
			}
		})
	}
}

// A batch gives each event its own findings, in event order.
func TestBatchMatchesSingle(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	var evs []*event.Event
	for i := range 1200 { // more than MaxBatch, mixed names
		switch i % 7 {
		case 0:
			evs = append(evs, vmsplice(uint32(i), -32, int64(i%2)))
		case 1, 2:
			evs = append(evs, sendfile(uint32(i)))
		default:
			evs = append(evs, splice(uint32(i)))
		}
	}
	var batch, single collect
	if err := d.EvaluateBatch(context.Background(), evs, batch.emit); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := d.Evaluate(context.Background(), ev, single.emit); err != nil {
			t.Fatal(err)
		}
	}
	if len(batch.fs) != len(single.fs) || len(batch.fs) != 172+86 {
		t.Fatalf("batch %d findings, single %d", len(batch.fs), len(single.fs))
	}
	for i := range batch.fs {
		if batch.fs[i].ID != single.fs[i].ID {
			t.Fatalf("finding %d differs: %s vs %s", i, batch.fs[i].ID, single.fs[i].ID)
		}
	}
}

// ruleFile is a native rule selecting splice with the given findings body.
func ruleFile(id, body string) string {
	pkg := strings.ToLower(strings.ReplaceAll(id, "-", "_"))
	return fmt.Sprintf("package splicewatch.rules.%s\n\nmetadata := {\"id\": %q, \"name\": %q, \"severity\": \"low\"}\n\nevents := {\"splice\"}\n\n%s\n", pkg, id, id, body)
}

// One failing rule (conflict, endless loop) is counted and logged; every
// other rule still sees the event.
func TestRuleFailureIsolated(t *testing.T) {
	reg := prometheus.NewRegistry()
	files := map[string]string{
		"good.rego": ruleFile("GOOD", `findings contains {"pid": input.process.pid} if input.args.len > 0`),
		"conflict.rego": ruleFile("CONFLICT", `x := 1 if input.args.len > 0
x := 2 if input.args.fd_in > 0
findings contains {"x": x} if true`),
		"slow.rego": ruleFile("SLOW", `findings contains {"n": n} if {
	input.process.pid == 666
	n := count([y | some y in numbers.range(1, 100000000)])
}`),
	}
	d := mustLoad(t, &Options{
		Sources:    []Source{memSource("u", files)},
		Registerer: reg,
		Timeout:    50 * time.Millisecond,
	})
	evs := []*event.Event{splice(1), splice(666), splice(3)}
	evs[0].Args.Set("fd_in", 0) // no conflict for the first event
	var c collect
	if err := d.EvaluateBatch(context.Background(), evs, c.emit); err != nil {
		t.Fatal(err)
	}
	got := c.ids()
	slices.Sort(got)
	want := []string{"CONFLICT", "GOOD", "GOOD", "GOOD"}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %v, want %v", got, want)
	}
	if n := testutil.ToFloat64(d.m.ruleErrors.WithLabelValues("CONFLICT")); n != 2 {
		t.Errorf("CONFLICT errors = %v, want 2", n)
	}
	if n := testutil.ToFloat64(d.m.ruleErrors.WithLabelValues("SLOW")); n != 1 {
		t.Errorf("SLOW errors = %v, want 1", n)
	}
	// A reload registers with the same registry without panicking and
	// keeps counting in the same series.
	d2 := mustLoad(t, &Options{Sources: []Source{memSource("u", files)}, Registerer: reg, Timeout: 50 * time.Millisecond})
	if err := d2.Evaluate(context.Background(), splice(9), func(*event.Finding) {}); err != nil {
		t.Fatal(err)
	}
	if n := testutil.ToFloat64(d2.m.ruleErrors.WithLabelValues("CONFLICT")); n != 3 {
		t.Errorf("CONFLICT errors after reload = %v, want 3", n)
	}
}

// A rule only sees the events it selects.
func TestSelection(t *testing.T) {
	d := mustLoad(t, &Options{Sources: []Source{memSource("u", map[string]string{
		"all.rego": ruleFile("ANY-SPLICE", `findings contains {"name": input.name} if true`),
	})}})
	var c collect
	err := d.EvaluateBatch(context.Background(), []*event.Event{vmsplice(1, -32, 1), sendfile(2), splice(3)}, c.emit)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.fs) != 1 || c.fs[0].Data["name"] != "splice" {
		t.Fatalf("findings %v", c.fs)
	}
}

func TestCancelledContext(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Evaluate(ctx, vmsplice(1, -32, 1), func(*event.Finding) {}); err == nil {
		t.Fatal("evaluation with a cancelled context succeeded")
	}
}

// The detector is safe for concurrent use, through engine.Run's workers.
func TestEngineRunConcurrent(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	eng := engine.New(&engine.Options{Workers: 4})
	eng.Add(d)
	in := make(chan *event.Event)
	out := make(chan *event.Finding, 1024)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = eng.Run(context.Background(), in, out)
		close(out)
	}()
	const n = 400
	for i := range n {
		in <- vmsplice(uint32(i), -32, 1)
		in <- splice(uint32(i))
	}
	close(in)
	count := 0
	for range out {
		count++
	}
	wg.Wait()
	if count != 2*n {
		t.Fatalf("%d findings, want %d", count, 2*n)
	}
}

// A builtin's type error, which OPA treats as undefined, is counted
// against the inlined rule it occurs in (OPA does not report those inside
// the rules a query refers to, so not for TYPE-WITH); other rules still
// match.
func TestBuiltinErrorsCounted(t *testing.T) {
	d := mustLoad(t, &Options{Sources: []Source{memSource("u", map[string]string{
		"good.rego":   ruleFile("GOOD", `findings contains {"pid": input.process.pid} if input.args.len > 0`),
		"inline.rego": ruleFile("TYPE-INLINE", `findings contains 1 if startswith(input.args.len, "x")`),
		"with.rego": ruleFile("TYPE-WITH", `bad if startswith(input.args.len, "x")
findings contains 1 if bad`),
	})}, Registerer: prometheus.NewRegistry()})
	inlined := map[string]bool{}
	for _, r := range d.rules {
		inlined[r.info.ID] = r.inline != nil
	}
	if !inlined["TYPE-INLINE"] || inlined["TYPE-WITH"] {
		t.Fatalf("inlined %v", inlined)
	}
	var c collect
	if err := d.EvaluateBatch(context.Background(), []*event.Event{splice(1), splice(2)}, c.emit); err != nil {
		t.Fatal(err)
	}
	if got := c.ids(); !slices.Equal(got, []string{"GOOD", "GOOD"}) {
		t.Fatalf("findings %v", got)
	}
	if n := testutil.ToFloat64(d.m.ruleErrors.WithLabelValues("TYPE-INLINE")); n != 2 {
		t.Errorf("TYPE-INLINE: %v errors counted, want 2", n)
	}
	if n := testutil.ToFloat64(d.m.ruleErrors.WithLabelValues("GOOD")); n != 0 {
		t.Errorf("GOOD: %v errors counted", n)
	}
}

func TestPanicRecovered(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	err := d.Evaluate(context.Background(), vmsplice(1, -32, 1), func(*event.Finding) { panic("boom") })
	if !errors.Is(err, ErrPanic) {
		t.Fatalf("err = %v, want ErrPanic", err)
	}
}
