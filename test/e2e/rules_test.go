package e2e

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// ruleFinding returns the finding of rule id raised by ev, or nil.
func ruleFinding(p *pipeline, ev *event.Event, id string) *event.Finding {
	for _, f := range p.findingsFor(ev) {
		if f.Rule.ID == id {
			return f
		}
	}
	return nil
}

// requireFinding fails the test unless ev raised a finding of rule id, and
// returns it.
func requireFinding(t *testing.T, p *pipeline, ev *event.Event, id string) *event.Finding {
	t.Helper()
	f := ruleFinding(p, ev, id)
	if f == nil {
		var got []string
		for _, f := range p.findingsFor(ev) {
			got = append(got, f.Rule.ID)
		}
		t.Fatalf("%s event raised no %s finding (findings: %v; args: %v)", ev.Name, id, got, ev.Args)
	}
	return f
}

// dataUint returns the finding's data item key as an unsigned number.
func dataUint(t *testing.T, f *event.Finding, key string) uint64 {
	t.Helper()
	switch v := f.Data[key].(type) {
	case int64:
		if v >= 0 {
			return uint64(v)
		}
	case uint64:
		return v
	}
	t.Fatalf("%s finding: data %q is %#v, not an unsigned number", f.Rule.ID, key, f.Data[key])
	return 0
}

// waitEvent waits for an event matching match and returns it.
func waitEvent(t *testing.T, p *pipeline, what string, match func(*event.Event) bool) *event.Event {
	t.Helper()
	p.waitFor(t, what, func([]*event.Event) bool { return p.find(match) != nil })
	return p.find(match)
}

// Each rule of the pack fires on the real kernel events of its trigger.
func TestRulesFire(t *testing.T) {
	p := startPipeline(t, nil)

	t.Run("SPW-004 and SPW-005 dirty pipe", func(t *testing.T) {
		target := filepath.Join(sharedDir(t), "root-owned")
		if err := os.WriteFile(target, []byte(strings.Repeat("root only\n", 1000)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(copyExecutable(t), target)
		cmd.Env = append(os.Environ(), childEnv+"=dirtypipe")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "1" {
			t.Fatalf("dirty pipe child: %v: %s", err, out)
		}
		ev := waitEvent(t, p, "the Dirty Pipe splice", func(ev *event.Event) bool {
			in, _ := ev.Args.Object("fd_in_info")
			path, _ := in.String("path")
			return ev.Name == event.NameSplice && path == target
		})
		f := requireFinding(t, p, ev, "SPW-005")
		if f.Data["path"] != target || dataUint(t, f, "offset") != 1 || dataUint(t, f, "len") != 1 {
			t.Errorf("SPW-005 data %v", f.Data)
		}
		// SPW-004 is the kernel's confirmation: only a vulnerable kernel
		// leaves CAN_MERGE on the buffer.
		merge, _ := ev.Args.Bool("dirty_pipe_merge")
		if got := ruleFinding(p, ev, "SPW-004") != nil; got != merge {
			t.Errorf("SPW-004 fired %v, dirty_pipe_merge %v", got, merge)
		}
		t.Logf("dirty_pipe_merge %v (a patched kernel clears CAN_MERGE)", merge)
	})

	race := func(r trigger.Race) func() (uint64, uint64, error) {
		return func() (uint64, uint64, error) { return trigger.PageRace(r) }
	}
	races := []struct {
		kind string
		run  func() (addr, length uint64, err error)
	}{
		{"munmap", race(trigger.RaceMunmap)},
		{"madvise", race(trigger.RaceMadvise)},
		{"fork", race(trigger.RaceFork)},
		{"mremap", trigger.PageRaceMremap},
	}
	for _, tt := range races {
		t.Run("SPW-006 "+tt.kind, func(t *testing.T) {
			tid := thread(t)
			began := time.Now()
			addr, length, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			ev := waitEvent(t, p, "page_race "+tt.kind, func(ev *event.Event) bool {
				start, _ := ev.Args.Uint("vmsplice_start")
				return ev.Name == event.NamePageRace && ev.Process.TID == tid && start == addr && !ev.Time.Before(began)
			})
			f := requireFinding(t, p, ev, "SPW-006")
			if f.Data["kind"] != tt.kind || dataUint(t, f, "overlap_len") != length || dataUint(t, f, "vmsplice_start") != addr {
				t.Errorf("SPW-006 data %v", f.Data)
			}
		})
	}

	t.Run("SPW-003 vdso", func(t *testing.T) {
		tid := thread(t)
		start, _, err := trigger.VDSORange()
		if err != nil {
			t.Fatal(err)
		}
		if ret, err := trigger.VmspliceVDSO(); err != nil || ret != 4096 {
			t.Fatalf("vmsplice of the vDSO: %d, %v", ret, err)
		}
		ev := waitEvent(t, p, "vmsplice of the vDSO", func(ev *event.Event) bool {
			n, _ := ev.Args.Uint("vdso_segs")
			return ev.Name == event.NameVmsplice && ev.Process.TID == tid && n > 0
		})
		f := requireFinding(t, p, ev, "SPW-003")
		if f.Data["region"] != "vdso" || dataUint(t, f, "base") != start || dataUint(t, f, "segment") != 0 {
			t.Errorf("SPW-003 data %v, want base %#x", f.Data, start)
		}
	})

	t.Run("SPW-007 iovec rewritten", func(t *testing.T) {
		tid := thread(t)
		changed := func(ev *event.Event) bool {
			c, _ := ev.Args.Bool("iov_changed")
			return ev.Name == event.NameVmsplice && ev.Process.TID == tid && c
		}
		if runtime.NumCPU() < 2 {
			t.Skip("the iovec race needs two CPUs; this machine has one (the qemu kernel matrix boots with -smp 1)")
		}
		deadline := time.Now().Add(20 * time.Second)
		n := 0
		stop := func() bool {
			if n++; n%1024 != 0 {
				return false
			}
			return time.Now().After(deadline) || p.find(changed) != nil
		}
		if _, err := trigger.RacingIovec(200000, stop); err != nil {
			t.Fatal(err)
		}
		ev := waitEvent(t, p, "a vmsplice whose iovec changed during the call", changed)
		f := requireFinding(t, p, ev, "SPW-007")
		if dataUint(t, f, "segment") != 0 || dataUint(t, f, "nr_segs") != 1 {
			t.Errorf("SPW-007 data %v", f.Data)
		}
	})

	t.Run("SPW-008 sendfile of /etc/shadow", func(t *testing.T) {
		testSensitiveFile(t, p, event.NameSendfile)
	})
	t.Run("SPW-008 splice of /etc/shadow", func(t *testing.T) {
		testSensitiveFile(t, p, event.NameSplice)
	})
}

// testSensitiveFile moves /etc/shadow with call: sendfile to a TCP socket,
// or splice into a pipe. Where the system has none (the qemu initramfs), it
// moves a file of its own and checks the event against the pack configured
// to watch that file.
func testSensitiveFile(t *testing.T, p *pipeline, call string) {
	tid := thread(t)
	path, cfg := sensitiveFile(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inSide, outType := "in_fd_info", "socket"
	if call == event.NameSendfile {
		sock := tcpSocket(t)
		if ret := trigger.Sendfile(int(sock.Fd()), int(f.Fd()), nil, 1<<16); ret <= 0 {
			t.Fatalf("sendfile returned %d", ret)
		}
	} else {
		inSide, outType = "fd_in_info", "pipe"
		r, w, err := trigger.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(r)
		defer unix.Close(w)
		if ret := trigger.Splice(int(f.Fd()), w, 1<<16, 0); ret <= 0 {
			t.Fatalf("splice returned %d", ret)
		}
	}
	ev := waitEvent(t, p, call+" of "+path, func(ev *event.Event) bool {
		in, _ := ev.Args.Object(inSide)
		got, _ := in.String("path")
		return ev.Name == call && ev.Process.TID == tid && got == path
	})
	found := requireSensitiveFinding(t, p, ev, cfg)
	if found.Data["path"] != path || found.Data["out_type"] != outType {
		t.Errorf("SPW-008 data %v", found.Data)
	}
}

// sensitiveFile returns /etc/shadow, or where the system has none (the
// qemu initramfs) a file of the test's own and the rule configuration
// that makes SPW-008 watch it.
func sensitiveFile(t *testing.T) (path string, cfg map[string]any) {
	t.Helper()
	path = "/etc/shadow"
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		return path, nil
	}
	path = filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(path, []byte("root:*:19000:0:99999:7:::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("no /etc/shadow: watching %s instead", path)
	return path, map[string]any{"spw008_extra_paths": []any{path}}
}

// requireSensitiveFinding returns the SPW-008 finding of ev: the running
// pack's when cfg is nil, else that of a pack configured with cfg.
func requireSensitiveFinding(t *testing.T, p *pipeline, ev *event.Event, cfg map[string]any) *event.Finding {
	t.Helper()
	if cfg == nil {
		return requireFinding(t, p, ev, "SPW-008")
	}
	var found *event.Finding
	err := loadPack(t, cfg).Evaluate(context.Background(), ev, func(f *event.Finding) {
		if f.Rule.ID == "SPW-008" {
			found = f
		}
	})
	if err != nil || found == nil {
		t.Fatalf("SPW-008 with %v: finding %v, error %v", cfg, found, err)
	}
	return found
}

// tcpSocket returns the file of a connected TCP socket whose peer reads
// and discards everything.
func tcpSocket(t *testing.T) *os.File {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sock, err := conn.(*net.TCPConn).File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sock.Close() })
	return sock
}
