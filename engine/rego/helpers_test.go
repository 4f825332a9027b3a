package rego

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/rules"
)

// packSources is the embedded pack, as the CLI loads it by default.
func packSources() []Source {
	return []Source{{Name: "embedded", FS: rules.FS()}}
}

// memSource is a source holding the given files.
func memSource(name string, files map[string]string) Source {
	fsys := fstest.MapFS{}
	for p, body := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(body)}
	}
	return Source{Name: name, FS: fsys}
}

func mustLoad(t testing.TB, opts *Options) *Detector {
	t.Helper()
	d, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return d
}

// collect gathers findings; it is safe for concurrent use.
type collect struct {
	mu sync.Mutex
	fs []*event.Finding
}

func (c *collect) emit(f *event.Finding) {
	c.mu.Lock()
	c.fs = append(c.fs, f)
	c.mu.Unlock()
}

func (c *collect) ids() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.fs {
		out = append(out, f.Rule.ID)
	}
	return out
}

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 123456789, time.UTC)

func vmsplice(pid uint32, ret int64, overlong int64) *event.Event {
	args := event.Args{}
	args.Set("fd", 4)
	args.Set("iov_addr", uint64(0x7ffd12345000))
	args.Set("nr_segs", 1)
	args.Set("flags", 0)
	args.Set("flag_names", []any{})
	args.Set("iov", []any{map[string]any{"base": int64(4096), "len": uint64(18446744073709551615)}})
	args.Set("user_limit", int64(140737488351232))
	args.Set("segs_scanned", 1)
	args.Set("kernel_segs", 0)
	args.Set("kernel_first", -1)
	args.Set("overlong_segs", overlong)
	args.Set("overlong_first", 0)
	args.Set("overlong_first_base", 4096)
	args.Set("overlong_first_len", uint64(18446744073709551615))
	args.Set("iov_read_error", false)
	return &event.Event{
		Name: "vmsplice", Time: t0, Host: "h1",
		Process: event.Process{PID: pid, TID: pid, PPID: 1, UID: 1000, GID: 1000, Comm: "exploit", Exe: "/tmp/x"},
		Args:    args, Ret: ret,
	}
}

func splice(pid uint32) *event.Event {
	args := event.Args{}
	args.Set("fd_in", 5)
	args.Set("off_in", 0)
	args.Set("fd_out", 6)
	args.Set("off_out", 0)
	args.Set("len", 4<<20)
	args.Set("flags", 2)
	args.Set("flag_names", []any{"SPLICE_F_NONBLOCK"})
	return &event.Event{
		Name: "splice", Time: t0, Host: "h1",
		Process: event.Process{PID: pid, TID: pid, PPID: 1, Comm: "server", CgroupID: 77},
		Args:    args, Ret: 16384, DurationNS: 2100,
	}
}

func sendfile(pid uint32) *event.Event {
	args := event.Args{}
	args.Set("out_fd", 9)
	args.Set("in_fd", 10)
	args.Set("offset", uint64(0x7ffd00001000))
	args.Set("offset_value", 8192)
	args.Set("count", 65536)
	return &event.Event{
		Name: "sendfile", Time: t0, Host: "h1",
		Process: event.Process{PID: pid, TID: pid, PPID: 1, Comm: "nginx", ContainerID: "abc123"},
		Args:    args, Ret: 65536,
	}
}
