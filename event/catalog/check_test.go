package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// pipeInfo is a valid description of a pipe's write end.
func pipeInfo() event.Args {
	var p event.Args
	p.Add("end", "write")
	for _, f := range []string{"head", "tail", "ring_size", "readers", "writers", "buf_flags"} {
		p.AddUint(f, 1)
	}
	p.Add("wrapped", false)
	p.Add("buf_flag_names", []any{"LRU"})
	var d event.Args
	d.Add("type", "pipe")
	for _, f := range []string{"ino", "dev", "mode", "uid", "gid", "open_flags"} {
		d.AddUint(f, 1)
	}
	d.Add("perm", "0600")
	d.Add("access", "w")
	d.Add("can_write", true)
	d.Add("pipe", p)
	return d
}

// unknownFd is the description of an unresolved descriptor.
func unknownFd() event.Args { return event.Args{{Name: "type", Value: "unknown"}} }

// teeEvent is a valid tee event with the given changes applied.
func teeEvent(change func(a *event.Args)) *event.Event {
	ev := &event.Event{Name: event.NameTee}
	ev.Args.AddInt("fd_in", 3)
	ev.Args.Add("fd_in_info", pipeInfo())
	ev.Args.AddInt("fd_out", 5)
	ev.Args.Add("fd_out_info", unknownFd())
	ev.Args.AddUint("len", 100)
	ev.Args.AddUint("flags", 2)
	ev.Args.Add("flag_names", []any{"SPLICE_F_NONBLOCK"})
	if change != nil {
		change(&ev.Args)
	}
	return ev
}

func TestCheck(t *testing.T) {
	vm := func(iov []any) *event.Event {
		ev := &event.Event{Name: event.NameVmsplice}
		for _, a := range []string{"fd", "iov_addr", "nr_segs", "flags", "user_limit", "segs_scanned",
			"kernel_segs", "overlong_segs", "vdso_segs"} {
			ev.Args.AddUint(a, 1)
		}
		ev.Args.Add("fd_info", unknownFd())
		ev.Args.Add("iov_changed", false)
		ev.Args.AddInt("iov_changed_first", -1)
		ev.Args.AddInt("vdso_first", -1)
		ev.Args.AddInt("kernel_first", -1)
		ev.Args.AddInt("overlong_first", -1)
		ev.Args.Add("flag_names", []any{"SPLICE_F_MOVE", "0x10"})
		ev.Args.Add("iov_read_error", false)
		ev.Args.Add("iov", iov)
		return ev
	}
	seg := func(base uint64) event.Args {
		var s event.Args
		s.AddUint("base", base)
		s.AddUint("len", 1)
		return s
	}
	tests := []struct {
		name string
		ev   *event.Event
		want string // "" for valid
	}{
		{"valid tee", teeEvent(nil), ""},
		{"valid vmsplice with a kernel address", vm([]any{seg(0xffffffffff600000)}), ""},
		{"unknown event", &event.Event{Name: "openat"}, "unknown event"},
		{"undefined arg", teeEvent(func(a *event.Args) { a.Add("fd_in_desc", "pipe") }), "fd_in_desc: not defined"},
		{"fd description not an object", teeEvent(func(a *event.Args) { a.Set("fd_in_info", "pipe") }),
			"fd_in_info: \"pipe\" is not an object"},
		{"unknown fd type", teeEvent(func(a *event.Args) { a.Set("fd_out_info", event.Args{{Name: "type", Value: "fifo"}}) }),
			`fd_out_info: type: "fifo" is not one of`},
		{"fd description without type", teeEvent(func(a *event.Args) { a.Set("fd_out_info", event.Args{}) }),
			"fd_out_info: type: missing"},
		{"undefined nested field", teeEvent(func(a *event.Args) {
			d := pipeInfo()
			p, _ := d.Object("pipe")
			p.Add("spare", 1)
			d.Set("pipe", p)
			a.Set("fd_in_info", d)
		}), "fd_in_info: pipe: spare: not defined"},
		{"missing nested field", teeEvent(func(a *event.Args) {
			d := pipeInfo()
			p, _ := d.Object("pipe")
			d.Set("pipe", p[1:])
			a.Set("fd_in_info", d)
		}), "fd_in_info: pipe: end: missing"},
		{"missing arg", teeEvent(func(a *event.Args) { *a = (*a)[1:] }), "fd_in: missing"},
		{"fd out of int32 range", teeEvent(func(a *event.Args) { a.Set("fd_in", int64(1)<<40) }), "not an int32"},
		{"negative length", teeEvent(func(a *event.Args) { a.Set("len", -1) }), "negative"},
		{"uint32 flags too big", teeEvent(func(a *event.Args) { a.Set("flags", uint64(1)<<33) }), "not an uint32"},
		{"flags as string", teeEvent(func(a *event.Args) { a.Set("flags", "2") }), "not an uint32"},
		{"unknown flag name", teeEvent(func(a *event.Args) { a.Set("flag_names", []any{"VMSPLICE_F_MOVE"}) }),
			`"VMSPLICE_F_MOVE" is not one of`},
		{"flag names not a list", teeEvent(func(a *event.Args) { a.Set("flag_names", "SPLICE_F_MOVE") }), "not a list"},
		{"17 segments", vm(make([]any, 17)), "17 items, at most 16"},
		{"segment not an object", vm([]any{"x"}), "iov: [0]: "},
		{"segment missing len", vm([]any{seg(1)[:1]}), "iov: [0]: len: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.ev)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Check error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if err := Check(&event.Event{Name: "openat"}); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("unknown event: %v, want ErrUnknownEvent", err)
	}
}
