package event

import (
	"reflect"
	"testing"
	"unsafe"
)

func TestEventClone(t *testing.T) {
	tests := []struct {
		name string
		ev   *Event
	}{
		{"nil", nil},
		{"no args", &Event{Name: NameTee, Host: "h"}},
		{"empty args", &Event{Name: NameTee, Args: Args{}}},
		{"full", sampleEvent()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.ev.Clone()
			if !reflect.DeepEqual(c, tt.ev) {
				t.Fatalf("clone differs:\n got %#v\nwant %#v", c, tt.ev)
			}
			if tt.ev == nil || len(tt.ev.Args) == 0 {
				return
			}
			if &c.Args[0] == &tt.ev.Args[0] {
				t.Error("clone shares the arguments")
			}
			if unsafe.StringData(c.Process.Comm) == unsafe.StringData(tt.ev.Process.Comm) {
				t.Error("clone shares the command name")
			}
			// Changing the original's memory leaves the clone alone.
			seg := tt.ev.Args[1].Value.([]any)[0].(Args)
			seg[0].Value = int64(1)
			if b, _ := c.Args.List("iov"); b[0].(Args)[0].Value != uint64(0xffffffffff600000) {
				t.Errorf("clone's iov changed with the original: %v", b)
			}
		})
	}
}

func TestFindingClone(t *testing.T) {
	ev := sampleEvent()
	rule := Rule{ID: "SPW-001", Name: "n", Tags: []string{"a"}, MITRE: []string{"T1068"}, Version: "1"}
	f := NewFinding(rule, ev, map[string]any{"iov": ev.Args[1].Value, "n": int64(1000), "m": map[string]any{"s": "x"}})
	c := f.Clone()
	if !reflect.DeepEqual(c, f) {
		t.Fatalf("clone differs:\n got %#v\nwant %#v", c, f)
	}
	if c.Event == f.Event || &c.Rule.Tags[0] == &f.Rule.Tags[0] {
		t.Error("clone shares the event or the rule")
	}
	ev.Args[1].Value.([]any)[0] = "changed"
	if _, ok := c.Data["iov"].([]any)[0].(Args); !ok {
		t.Errorf("clone's data changed with the event: %v", c.Data["iov"])
	}
	if (*Finding)(nil).Clone() != nil {
		t.Error("nil finding cloned to non-nil")
	}
}
