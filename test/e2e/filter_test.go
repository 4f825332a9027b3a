package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/test/trigger"
)

func selfComm(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return string(b[:len(b)-1])
}

// sendfileToNull sends n bytes of path to /dev/null, count times.
func sendfileToNull(t *testing.T, path string, count int) {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	for range count {
		off := int64(0)
		if ret := trigger.Sendfile(int(out.Fd()), int(in.Fd()), &off, 16); ret != 16 {
			t.Fatalf("sendfile returned %d", ret)
		}
	}
}

func TestFilterExcludedProcess(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	secret := filepath.Join(dir, "secret")
	for _, f := range []string{plain, secret} {
		if err := os.WriteFile(f, make([]byte, 4096), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := startPipeline(t, &sensor.Options{Filter: &sensor.Filter{
		ExcludeComms:   []string{selfComm(t)},
		SensitivePaths: []string{secret},
	}})
	tid := thread(t)
	sendfileToNull(t, plain, 100) // ordinary: dropped in the kernel
	sendfileToNull(t, secret, 1)  // sensitive: kept
	// A kernel-space iovec is always kept.
	r, w, _ := trigger.Pipe()
	trigger.Vmsplice(w, []trigger.Iovec{{Base: trigger.KernelAddr, Len: 1}}, unix.SPLICE_F_NONBLOCK)
	unix.Close(r)
	unix.Close(w)
	// A file-to-pipe splice may be Dirty Pipe: kept.
	if _, _, err := trigger.BenignSpliceFile(dir, 4096); err != nil {
		t.Fatal(err)
	}
	mine := func(name string) func(*event.Event) bool {
		return func(ev *event.Event) bool { return ev.Name == name && ev.Process.TID == tid }
	}
	p.waitFor(t, "the kept events", func([]*event.Event) bool {
		return p.find(mine(event.NameSendfile)) != nil && p.find(mine(event.NameVmsplice)) != nil &&
			p.find(mine(event.NameSplice)) != nil
	})
	time.Sleep(300 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	sendfiles := 0
	for _, ev := range p.events {
		if ev.Name == event.NameSendfile && ev.Process.TID == tid {
			sendfiles++
			info, _ := ev.Args.Object("in_fd_info")
			if path, _ := info.String("path"); path != secret {
				t.Errorf("an excluded process's ordinary sendfile of %s got through", path)
			}
		}
	}
	if sendfiles != 1 {
		t.Errorf("%d sendfile events, want only the sensitive one", sendfiles)
	}
	if len(p.findings) == 0 {
		t.Error("the kernel-space vmsplice of an excluded process raised no finding")
	}
}

// TestFilterSensitiveRefresh checks that files matching the sensitive
// patterns after the start (a file replaced by rename, as passwd does with
// /etc/shadow, and a new file) are kept for an excluded process once the
// patterns are globbed again.
func TestFilterSensitiveRefresh(t *testing.T) {
	dir := t.TempDir()
	replaced := filepath.Join(dir, "secret-replaced")
	plain := filepath.Join(dir, "plain")
	for _, f := range []string{replaced, plain} {
		if err := os.WriteFile(f, make([]byte, 4096), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := startPipeline(t, &sensor.Options{Filter: &sensor.Filter{
		ExcludeComms:     []string{selfComm(t)},
		SensitivePaths:   []string{filepath.Join(dir, "secret-*")},
		SensitiveRefresh: 100 * time.Millisecond,
	}})
	tid := thread(t)
	// Replace the file with a new inode, and create another one.
	tmp := filepath.Join(dir, "tmp")
	if err := os.WriteFile(tmp, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, replaced); err != nil {
		t.Fatal(err)
	}
	created := filepath.Join(dir, "secret-created")
	if err := os.WriteFile(created, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // several refreshes
	sendfileToNull(t, plain, 5)        // dropped: excluded, not sensitive
	sendfileToNull(t, replaced, 1)
	sendfileToNull(t, created, 1)
	mine := func(ev *event.Event) bool { return ev.Name == event.NameSendfile && ev.Process.TID == tid }
	p.waitFor(t, "the sensitive sendfiles", func([]*event.Event) bool { return len(p.findAll(mine)) >= 2 })
	time.Sleep(300 * time.Millisecond)
	got := map[string]int{}
	for _, ev := range p.findAll(mine) {
		info, _ := ev.Args.Object("in_fd_info")
		path, _ := info.String("path")
		got[path]++
	}
	want := map[string]int{replaced: 1, created: 1}
	if len(got) != len(want) || got[replaced] != 1 || got[created] != 1 {
		t.Errorf("sendfile events by path: %v, want %v", got, want)
	}
}

// TestFilterVerdictFollowsComm checks that the kernel's per-thread cache of
// the exclusion verdict follows a thread that renames itself into and out
// of an excluded comm.
func TestFilterVerdictFollowsComm(t *testing.T) {
	const excluded = "sw-excluded"
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, &sensor.Options{Filter: &sensor.Filter{ExcludeComms: []string{excluded}}})
	tid := thread(t)
	name := selfComm(t)
	setComm := func(c string) {
		t.Helper()
		b, err := unix.BytePtrFromString(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(b)), 0, 0, 0); err != nil {
			t.Fatalf("rename thread to %s: %v", c, err)
		}
	}
	t.Cleanup(func() { setComm(name) })
	sendfileToNull(t, plain, 10) // watched: the verdict "not excluded" is cached
	setComm(excluded)
	sendfileToNull(t, plain, 10) // excluded: dropped despite the cached verdict
	setComm(name)
	sendfileToNull(t, plain, 10) // watched again
	mine := func(ev *event.Event) bool { return ev.Name == event.NameSendfile && ev.Process.TID == tid }
	p.waitFor(t, "20 sendfile events", func([]*event.Event) bool { return len(p.findAll(mine)) >= 20 })
	time.Sleep(300 * time.Millisecond)
	for _, ev := range p.findAll(mine) {
		if ev.Process.Comm == excluded {
			t.Errorf("a sendfile of the excluded comm got through: %+v", ev.Process)
		}
	}
	if n := len(p.findAll(mine)); n != 20 {
		t.Errorf("%d sendfile events, want 20 (10 before and 10 after the excluded name)", n)
	}
}

func TestFilterRateLimit(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	const limit, calls = 10, 1000
	p := startPipeline(t, &sensor.Options{Filter: &sensor.Filter{RateLimit: limit}, LossInterval: 200 * time.Millisecond})
	tid := thread(t)
	sendfileToNull(t, plain, calls)
	pid := uint32(os.Getpid())
	throttled := func() (n uint64) {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, ev := range p.events {
			if ev.Name == event.NameEventsThrottled && ev.Process.PID == pid {
				v, _ := ev.Args.Uint("throttled")
				n += v
			}
		}
		return n
	}
	p.waitFor(t, "events_throttled summaries", func([]*event.Event) bool { return throttled() > 0 })
	time.Sleep(500 * time.Millisecond)
	p.mu.Lock()
	kept := 0
	for _, ev := range p.events {
		if ev.Name == event.NameSendfile && ev.Process.TID == tid {
			kept++
		}
	}
	p.mu.Unlock()
	got := throttled()
	if kept+int(got) != calls {
		t.Errorf("%d events kept + %d throttled = %d, want %d: every call accounted for", kept, got, kept+int(got), calls)
	}
	if kept < limit || kept > 3*limit {
		t.Errorf("%d events kept with a limit of %d per second", kept, limit)
	}
}

// findAll returns every event seen so far that matches.
func (p *pipeline) findAll(match func(*event.Event) bool) []*event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*event.Event
	for _, ev := range p.events {
		if match(ev) {
			out = append(out, ev)
		}
	}
	return out
}
