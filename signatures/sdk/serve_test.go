package sdk

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

// scripted is a signature whose behaviour comes from the event's "do" arg.
type scripted struct {
	id     string
	events []string
	closed bool
}

func (s *scripted) Metadata() Metadata { return Metadata{ID: s.id} }
func (s *scripted) Events() []string   { return s.events }
func (s *scripted) Close() error       { s.closed = true; return errors.New("close " + s.id) }
func (s *scripted) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	do, _ := ev.Args.String("do")
	switch do {
	case "find":
		emit(map[string]any{"by": s.id, "pid": ev.Process.PID})
	case "panic":
		panic("boom")
	case "error":
		return errors.New("bad event")
	case "unencodable":
		emit(map[string]any{"ch": make(chan int)})
	}
	return nil
}

func TestDispatcher(t *testing.T) {
	a := &scripted{id: "A", events: []string{"vmsplice"}}
	b := &scripted{id: "B", events: []string{"vmsplice", "tee"}}
	d := newDispatcher([]Signature{a, b})
	infos, _ := d.Describe(context.Background())
	if len(infos) != 2 || infos[1].GetRule().GetId() != "B" || len(infos[1].GetEvents()) != 2 {
		t.Fatalf("describe: %v", infos)
	}
	var batch protocol.EventBatch
	for _, e := range []struct{ name, do string }{
		{"vmsplice", "find"}, {"tee", "find"}, {"splice", "find"}, {"vmsplice", "panic"}, {"tee", "error"}, {"tee", "unencodable"},
	} {
		m, err := protocol.FromEvent(&event.Event{Name: e.name, Process: event.Process{PID: 9}, Args: args(map[string]any{"do": e.do})})
		if err != nil {
			t.Fatal(err)
		}
		batch.Events = append(batch.Events, m)
	}
	out, err := d.Evaluate(context.Background(), &batch)
	if err != nil {
		t.Fatal(err)
	}
	// Event 0 selected by A and B, event 1 by B only, event 2 by nobody.
	type key struct{ sig, ev uint32 }
	var got []key
	for _, f := range out.GetFindings() {
		got = append(got, key{f.GetSignature(), f.GetEvent()})
		data, err := protocol.ToData(f.GetData())
		if err != nil || data["pid"] != int64(9) {
			t.Errorf("finding data %v, %v", data, err)
		}
	}
	if want := []key{{0, 0}, {1, 0}, {1, 1}}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("findings %v, want %v", got, want)
	}
	var msgs []string
	for _, e := range out.GetErrors() {
		msgs = append(msgs, e.GetMessage())
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"panicked: boom", "bad event", "unsupported type chan int"} {
		if !strings.Contains(joined, want) {
			t.Errorf("errors %q lack %q", joined, want)
		}
	}
	// A and B both panic on event 3; B alone fails on events 4 and 5.
	if len(out.GetErrors()) != 4 {
		t.Errorf("%d errors, want 4: %q", len(out.GetErrors()), joined)
	}
	if err := d.Close(context.Background()); err == nil || !a.closed || !b.closed {
		t.Errorf("close: %v, closed %v %v", err, a.closed, b.closed)
	}
}

// args builds event arguments from a map, in name order.
func args(m map[string]any) event.Args { return event.Normalize(m).(event.Args) }
