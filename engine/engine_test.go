package engine

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// testSig emits one finding per event, or fails or panics on request.
type testSig struct {
	id     string
	events []string
	fail   bool
	panic  bool
	mu     sync.Mutex
	seen   []uint32 // TIDs, in arrival order
}

func (s *testSig) Metadata() sdk.Metadata {
	return sdk.Metadata{ID: s.id, Name: s.id, Severity: event.SeverityHigh, Version: "1"}
}
func (s *testSig) Events() []string { return s.events }
func (s *testSig) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	s.mu.Lock()
	s.seen = append(s.seen, ev.Process.TID)
	s.mu.Unlock()
	switch {
	case s.panic:
		panic("boom")
	case s.fail:
		return errors.New("broken")
	}
	emit(map[string]any{"tid": ev.Process.TID})
	return nil
}

func TestEvaluateDispatchesByName(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := New(&Options{Registerer: reg})
	vm := &testSig{id: "A", events: []string{"vmsplice"}}
	sp := &testSig{id: "B", events: []string{"splice", "tee"}}
	bad := &testSig{id: "C", events: []string{"vmsplice"}, fail: true}
	pan := &testSig{id: "D", events: []string{"vmsplice"}, panic: true}
	after := &testSig{id: "E", events: []string{"vmsplice"}}
	for _, s := range []sdk.Signature{vm, sp, bad, pan, after} {
		e.Add(FromSignature(s))
	}
	tests := []struct {
		name  string
		rules []string
	}{
		{"vmsplice", []string{"A", "E"}},
		{"splice", []string{"B"}},
		{"tee", []string{"B"}},
		{"sendfile", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			e.Evaluate(context.Background(), &event.Event{Name: tt.name}, func(f *event.Finding) {
				got = append(got, f.Rule.ID)
			})
			if len(got) != len(tt.rules) {
				t.Fatalf("findings from %v, want %v", got, tt.rules)
			}
			for i := range got {
				if got[i] != tt.rules[i] {
					t.Errorf("findings from %v, want %v", got, tt.rules)
				}
			}
		})
	}
	if n := testutil.ToFloat64(e.m.errors.WithLabelValues("C")); n != 1 {
		t.Errorf("errors for failing detector = %v, want 1", n)
	}
	if n := testutil.ToFloat64(e.m.errors.WithLabelValues("D")); n != 1 {
		t.Errorf("errors for panicking detector = %v, want 1", n)
	}
	if n := testutil.ToFloat64(e.m.findings.WithLabelValues("A", "high")); n != 1 {
		t.Errorf("findings metric for A = %v, want 1", n)
	}
}

func TestRunKeepsPerProcessOrder(t *testing.T) {
	e := New(&Options{Workers: 4})
	s := &testSig{id: "A", events: []string{"vmsplice"}}
	e.Add(FromSignature(s))
	in := make(chan *event.Event)
	out := make(chan *event.Finding, 10000)
	done := make(chan error)
	go func() { done <- e.Run(context.Background(), in, out) }()
	const procs, perProc = 8, 500
	for i := range perProc {
		for p := range procs {
			in <- &event.Event{Name: "vmsplice", Process: event.Process{PID: uint32(p), TID: uint32(p*perProc + i)}}
		}
	}
	close(in)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last := map[uint32]uint32{}
	for _, tid := range s.seen {
		pid := tid / perProc
		if prev, ok := last[pid]; ok && tid <= prev {
			t.Fatalf("process %d: event %d after %d", pid, tid, prev)
		}
		last[pid] = tid
	}
	if len(s.seen) != procs*perProc || len(out) != procs*perProc {
		t.Errorf("saw %d events and %d findings, want %d", len(s.seen), len(out), procs*perProc)
	}
}

// TestFindingsOwnTheirEvent checks that a finding keeps its event and data
// when the caller reuses the event's memory after Evaluate, as the sensor
// does, from the pooled emit path and the concurrent one alike.
func TestFindingsOwnTheirEvent(t *testing.T) {
	e := New(nil)
	e.Add(FromSignature(&argSig{}))
	tests := []struct {
		name       string
		concurrent bool
	}{{"reused emitter", false}, {"concurrent evaluation", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &event.Event{Name: "vmsplice", Process: event.Process{Comm: "poc"}}
			ev.Args.Add("iov", []any{event.Args{{Name: "base", Value: int64(4096)}}})
			var got []*event.Finding
			emit := func(f *event.Finding) { got = append(got, f) }
			if tt.concurrent {
				e.emitterBusy.Store(true) // as if another Evaluate were running
				defer e.emitterBusy.Store(false)
			}
			e.Evaluate(context.Background(), ev, emit)
			ev.Args[0].Value.([]any)[0].(event.Args)[0].Value = int64(1)
			ev.Process.Comm = "reused"
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1", len(got))
			}
			f := got[0]
			if f.Event == ev || f.Event.Process.Comm != "poc" {
				t.Errorf("finding shares the caller's event: %+v", f.Event)
			}
			iov, _ := f.Event.Args.List("iov")
			data := f.Data["iov"].([]any)
			if iov[0].(event.Args)[0].Value != int64(4096) || data[0].(event.Args)[0].Value != int64(4096) {
				t.Errorf("finding changed with the caller's event: event %v, data %v", iov, data)
			}
		})
	}
}

// argSig reports every event with its iov argument as data.
type argSig struct{}

func (*argSig) Metadata() sdk.Metadata { return sdk.Metadata{ID: "ARG", Name: "arg", Version: "1"} }
func (*argSig) Events() []string       { return []string{"vmsplice"} }
func (*argSig) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	iov, _ := ev.Args.List("iov")
	emit(map[string]any{"iov": iov})
	return nil
}
