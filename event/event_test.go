package event

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleEvent() *Event {
	ev := &Event{
		Name:    NameVmsplice,
		Time:    time.Date(2026, 11, 26, 12, 0, 0, 123456789, time.UTC),
		Host:    "h1",
		Process: Process{PID: 10, TID: 11, PPID: 1, UID: 1000, GID: 1000, Comm: "poc", Exe: "/tmp/poc"},
		Ret:     -14,
	}
	ev.Args.Add("fd", 4)
	ev.Args.Add("iov", []any{Args{{"base", uint64(0xffffffffff600000)}, {"len", uint64(1)}}})
	ev.Args.AddUint("kernel_first_base", 0xffffffffff600000)
	ev.Args.AddInt("kernel_first", -1)
	ev.Args.Add("flag_names", []any{"SPLICE_F_GIFT"})
	ev.Args.Add("iov_read_error", false)
	return ev
}

func TestEventJSONRoundTrip(t *testing.T) {
	ev := sampleEvent()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kernel_first_base":18446744073699065856`) {
		t.Errorf("address not encoded exactly: %s", b)
	}
	got, err := DecodeEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ev) {
		t.Errorf("round trip changed the event:\n got %#v\nwant %#v", got, ev)
	}
	if v, _ := got.Args.Uint("kernel_first_base"); v != 0xffffffffff600000 {
		t.Errorf("kernel_first_base = %#x", v)
	}
	seg := mustList(t, got.Args, "iov")[0].(Args)
	if v, _ := seg.Uint("base"); v != 0xffffffffff600000 {
		t.Errorf("iov[0].base = %#x", v)
	}
}

func mustList(t *testing.T, a Args, name string) []any {
	t.Helper()
	l, ok := a.List(name)
	if !ok {
		t.Fatalf("%s is not a list", name)
	}
	return l
}

func TestDecodeEventRejects(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "EOF"},
		{"not an object", `[1]`, "cannot unmarshal"},
		{"no name", `{"args":{}}`, `missing "name"`},
		{"trailing data", `{"name":"tee"} {}`, "trailing data"},
		{"args not object", `{"name":"tee","args":[1]}`, "not a JSON object"},
		{"duplicate arg", `{"name":"tee","args":{"fd":1,"fd":2}}`, "duplicate key"},
		{"too deep", `{"name":"tee","args":` + deep + `}`, "nested deeper"},
		{"bad time", `{"name":"tee","time":"yesterday"}`, "cannot parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DecodeEvent(%q) error = %v, want it to mention %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestArgsAccessors(t *testing.T) {
	var a Args
	a.Set("neg", -5)
	a.Set("big", uint64(1<<63))
	a.Set("s", "x")
	a.Set("b", true)
	a.Set("obj", map[string]any{"k": 1})
	a.Set("neg", -6) // replaces
	tests := []struct {
		name   string
		get    func() (any, bool)
		want   any
		wantOK bool
	}{
		{"int of negative", func() (any, bool) { return a.Int("neg") }, int64(-6), true},
		{"uint of negative", func() (any, bool) { return a.Uint("neg") }, uint64(0), false},
		{"uint of big", func() (any, bool) { return a.Uint("big") }, uint64(1 << 63), true},
		{"int of big", func() (any, bool) { return a.Int("big") }, int64(0), false},
		{"string", func() (any, bool) { return a.String("s") }, "x", true},
		{"bool", func() (any, bool) { return a.Bool("b") }, true, true},
		{"missing", func() (any, bool) { return a.Int("nope") }, int64(0), false},
		{"nested", func() (any, bool) { o, _ := a.Object("obj"); return o.Int("k") }, int64(1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.get()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
	if len(a) != 5 {
		t.Errorf("Set appended a duplicate: %v", a)
	}
}

func TestFindingJSONAndID(t *testing.T) {
	ev := sampleEvent()
	rule := Rule{ID: "SPW-001", Name: "n", Severity: SeverityCritical, Version: "1"}
	data := map[string]any{"address": uint64(0xffffffffff600000), "segment": int64(0)}
	f := NewFinding(rule, ev, data)
	if f2 := NewFinding(rule, sampleEvent(), map[string]any{"segment": int64(0), "address": uint64(0xffffffffff600000)}); f2.ID != f.ID {
		t.Errorf("finding id not stable: %s vs %s", f.ID, f2.ID)
	}
	other := sampleEvent()
	other.Process.TID++
	if NewFinding(rule, other, data).ID == f.ID {
		t.Error("different events gave the same finding id")
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"severity":"critical"`) {
		t.Errorf("severity not named: %s", b)
	}
	got, err := DecodeFinding(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Data, data) || !reflect.DeepEqual(got.Event, ev) || got.ID != f.ID {
		t.Errorf("finding round trip:\n got %#v\nwant %#v", got, f)
	}
}

func TestParseSeverity(t *testing.T) {
	for i, name := range []string{"info", "low", "MEDIUM", "High", "critical"} {
		s, err := ParseSeverity(name)
		if err != nil || int(s) != i {
			t.Errorf("ParseSeverity(%q) = %v, %v", name, s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}
