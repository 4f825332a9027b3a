package sdk_test

import (
	"fmt"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// largeSplice reports splice calls moving more than a megabyte.
type largeSplice struct{}

func (largeSplice) Metadata() sdk.Metadata {
	return sdk.Metadata{ID: "DOC-001", Name: "large splice", Severity: event.SeverityInfo, Version: "1"}
}

func (largeSplice) Events() []string { return []string{event.NameSplice} }

func (largeSplice) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	n, ok := ev.Args.Uint("len")
	if !ok || n <= 1<<20 {
		return nil
	}
	emit(map[string]any{"len": n, "comm": ev.Process.Comm, "ok": ev.Ret >= 0})
	return nil
}

// A signature reads arguments with typed accessors: each returns the value
// and whether the argument is present with that type. Integers are exact,
// so a kernel address is read with Uint.
func Example_accessors() {
	ev := &event.Event{
		Name:    event.NameVmsplice,
		Process: event.Process{PID: 4242, Comm: "poc"},
		Args: event.Args{
			"fd":                int64(5),
			"kernel_first_base": uint64(0xffffffffff600000),
			"flag_names":        []any{"SPLICE_F_GIFT"},
			"iov_read_error":    false,
			"iov":               []any{map[string]any{"base": int64(0x7ffd1000), "len": int64(4096)}},
		},
		Ret: -14,
	}
	fd, _ := ev.Args.Int("fd")
	addr, _ := ev.Args.Uint("kernel_first_base")
	flags, _ := ev.Args.List("flag_names")
	readErr, _ := ev.Args.Bool("iov_read_error")
	iov, _ := ev.Args.List("iov")
	seg0 := event.Args(iov[0].(map[string]any))
	segLen, _ := seg0.Int("len")
	_, ok := ev.Args.String("fd") // present, but not a string
	fmt.Println(ev.Process.PID, ev.Process.Comm, ev.Ret)
	fmt.Printf("fd=%d addr=%#x flags=%v read_error=%v seg0.len=%d fd-as-string=%v\n", fd, addr, flags, readErr, segLen, ok)
	// Output:
	// 4242 poc -14
	// fd=5 addr=0xffffffffff600000 flags=[SPLICE_F_GIFT] read_error=false seg0.len=4096 fd-as-string=false
}

// A signature is a type with three methods. Compiled in, the engine calls
// it; as a plugin, main calls sdk.Serve(largeSplice{}).
func ExampleSignature() {
	var sig sdk.Signature = largeSplice{}
	ev := &event.Event{Name: event.NameSplice, Process: event.Process{Comm: "cp"}, Args: event.Args{"len": int64(4 << 20)}, Ret: 4 << 20}
	_ = sig.OnEvent(ev, func(data map[string]any) {
		fmt.Println(sig.Metadata().ID, data["len"], data["comm"], data["ok"])
	})
	// Output: DOC-001 4194304 cp true
}
