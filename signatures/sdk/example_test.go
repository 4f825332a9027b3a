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
	ev := &event.Event{Name: event.NameVmsplice, Process: event.Process{PID: 4242, Comm: "poc"}, Ret: -14}
	ev.Args.Add("fd", 5)
	ev.Args.AddUint("kernel_first_base", 0xffffffffff600000)
	ev.Args.Add("flag_names", []any{"SPLICE_F_GIFT"})
	ev.Args.Add("iov_read_error", false)
	ev.Args.Add("iov", []any{map[string]any{"base": 0x7ffd1000, "len": 4096}})

	fd, _ := ev.Args.Int("fd")
	addr, _ := ev.Args.Uint("kernel_first_base")
	flags, _ := ev.Args.List("flag_names")
	readErr, _ := ev.Args.Bool("iov_read_error")
	iov, _ := ev.Args.List("iov")
	seg0 := iov[0].(event.Args) // nested objects are event.Args
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
	ev := &event.Event{Name: event.NameSplice, Process: event.Process{Comm: "cp"}, Ret: 4 << 20}
	ev.Args.Add("len", 4<<20)
	_ = sig.OnEvent(ev, func(data map[string]any) {
		fmt.Println(sig.Metadata().ID, data["len"], data["comm"], data["ok"])
	})
	// Output: DOC-001 4194304 cp true
}
