package rego

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/splicewatch/splicewatch/event"
)

// jsonValue is the value OPA builds from ev's JSON encoding, as `opa eval
// --input` would: the reference the hand-written converter must equal.
func jsonValue(t *testing.T, v any) ast.Value {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := util.NewJSONDecoder(bytes.NewReader(b)).Decode(&x); err != nil {
		t.Fatal(err)
	}
	val, err := ast.InterfaceToValue(x)
	if err != nil {
		t.Fatal(err)
	}
	return val
}

func TestEventValueMatchesJSON(t *testing.T) {
	bare := &event.Event{Name: "tee", Args: event.Args{}}
	kernel := vmsplice(7, -14, 0)
	kernel.Args.Set("iov", []any{map[string]any{"base": uint64(0xffffffffff600000), "len": 4096}})
	kernel.Args.Set("kernel_first_base", uint64(0xffffffffff600000))
	kernel.Args.Set("ratio", 0.25)
	kernel.Args.Set("nothing", nil)
	kernel.Args.Set("fd_in_info", map[string]any{"type": "pipe", "inode": uint64(1 << 40), "path": ""})
	kernel.Args.Set("small", []any{int64(-1), int64(600), true, "x"})
	for name, ev := range map[string]*event.Event{
		"vmsplice": vmsplice(1, -32, 1),
		"kernel":   kernel,
		"splice":   splice(2),
		"sendfile": sendfile(3),
		"bare":     bare,
	} {
		t.Run(name, func(t *testing.T) {
			got, want := EventValue(ev), jsonValue(t, ev)
			if got.Compare(want) != 0 {
				t.Fatalf("converter differs from JSON:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestEventValueKeepsLargeAddresses(t *testing.T) {
	ev := &event.Event{Name: "vmsplice", Args: event.Args{}}
	ev.Args.Set("kernel_first_base", uint64(0xffffffffff600000))
	v := EventValue(ev).(ast.Object)
	got := v.Get(ast.StringTerm("args")).Value.(ast.Object).Get(ast.StringTerm("kernel_first_base"))
	if got.String() != "18446744073699065856" {
		t.Fatalf("kernel_first_base = %v", got)
	}
}

func TestTraceeValue(t *testing.T) {
	ev := sendfile(3)
	v := TraceeValue(ev).(ast.Object)
	want := map[string]string{
		"eventName":   `"sendfile"`,
		"processId":   "3",
		"threadId":    "3",
		"processName": `"nginx"`,
		"hostName":    `"h1"`,
		"timestamp":   "1795694400123456789",
		"returnValue": "65536",
		"containerId": `"abc123"`,
		"argsNum":     "5",
	}
	for k, w := range want {
		if got := v.Get(ast.StringTerm(k)); got == nil || got.String() != w {
			t.Errorf("%s = %v, want %s", k, got, w)
		}
	}
	args := v.Get(ast.StringTerm("args")).Value.(*ast.Array)
	first := args.Elem(0).Value.(ast.Object)
	if first.Get(ast.StringTerm("name")).String() != `"count"` ||
		first.Get(ast.StringTerm("value")).String() != "65536" ||
		first.Get(ast.StringTerm("type")).String() != `"long"` {
		t.Fatalf("args[0] = %v", first)
	}
}
