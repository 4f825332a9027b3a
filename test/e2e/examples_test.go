package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// examplesDir is where the event pages take their examples from.
const examplesDir = "../../docs/events/examples"

// exampleHost is stamped on example events instead of this machine's name.
const exampleHost = "web-1"

// TestWriteExamples captures one real event of every kind the sensor
// emits, and checks each against its definition in event/catalog; events
// the catalogue marks as not emitted yet (Pending) have no example. With
// SPLICEWATCH_WRITE_EXAMPLES=1 it also writes them to
// docs/events/examples/NAME.json, from which `make docs` builds the pages.
func TestWriteExamples(t *testing.T) {
	got := map[string]*event.Event{}
	// Each capture runs in a subtest so that its sensor is closed before
	// the next starts: a sensor kept busy reading stops reporting.
	for _, c := range []struct {
		name    string
		capture func(*testing.T) []*event.Event
	}{
		{"syscalls", syscallExamples},
		{"lifecycle", procExamples},
		{"throttled", func(t *testing.T) []*event.Event { return []*event.Event{throttledExample(t)} }},
		{"lost", func(t *testing.T) []*event.Event { return []*event.Event{lostExample(t)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, ev := range c.capture(t) {
				got[ev.Name] = ev
			}
		})
	}

	write := os.Getenv("SPLICEWATCH_WRITE_EXAMPLES") == "1"
	for _, def := range catalog.All() {
		name := def.Name
		ev := got[name]
		if def.Pending != "" {
			if ev != nil {
				t.Errorf("captured a %s event, which the catalogue says is not emitted yet: drop its Pending", name)
			}
			continue
		}
		if ev == nil {
			t.Errorf("no example captured for %s", name)
			continue
		}
		if err := catalog.Check(ev); err != nil {
			t.Errorf("real %s event does not match its definition: %v", name, err)
		}
		if !write {
			continue
		}
		b, err := json.MarshalIndent(ev, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(examplesDir, catalog.ExamplePath(name)), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// syscallExamples makes one call of each kind, each showing what the event
// is watched for, and returns the events the sensor captured.
func syscallExamples(t *testing.T) []*event.Event {
	p := startPipeline(t, &sensor.Options{Host: exampleHost})
	tid := thread(t)

	// vmsplice: 4 segments into a pipe's write end, the third pointing at
	// the vsyscall page (kernel space): SPW-001's trigger. EFAULT.
	r, w, err := trigger.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	buf := make([]byte, 64)
	iov := make([]trigger.Iovec, 4)
	for i := range iov {
		iov[i] = trigger.Iovec{Base: uint64(uintptr(unsafe.Pointer(&buf[16*i]))), Len: 16}
	}
	iov[2].Base = trigger.KernelAddr
	if ret := trigger.Vmsplice(w, iov, unix.SPLICE_F_NONBLOCK); ret != efault {
		t.Fatalf("vmsplice returned %d, want %d", ret, efault)
	}
	runtime.KeepAlive(buf)

	// splice: the shape of Dirty Pipe's step 3, one byte from a read-only
	// file at an offset that is not page aligned, into the pipe.
	name := filepath.Join(t.TempDir(), "target")
	if err := os.WriteFile(name, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	off := int64(1)
	if ret := trigger.SpliceAt(int(f.Fd()), &off, w, 1, 0); ret != 1 {
		t.Fatalf("splice returned %d", ret)
	}

	// tee: duplicate that byte into a second pipe.
	r2, w2, err := trigger.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r2)
	defer unix.Close(w2)
	if ret := trigger.Tee(r, w2, 4096, unix.SPLICE_F_NONBLOCK); ret != 1 {
		t.Fatalf("tee returned %d", ret)
	}

	// sendfile: 200 bytes of the file from offset 10 into the second pipe.
	soff := int64(10)
	if ret := trigger.Sendfile(w2, int(f.Fd()), &soff, 200); ret != 200 {
		t.Fatalf("sendfile returned %d", ret)
	}

	// page_race: two pages vmspliced into a pipe, then unmapped while the
	// pipe still holds them (CVE-2020-29374's shape).
	began := time.Now()
	raceAddr, _, err := trigger.PageRace(trigger.RaceMunmap)
	if err != nil {
		t.Fatal(err)
	}

	kinds := []string{event.NameVmsplice, event.NameSplice, event.NameTee, event.NameSendfile, event.NamePageRace}
	mine := func(name string) func(*event.Event) bool {
		return func(ev *event.Event) bool {
			if name == event.NamePageRace {
				start, _ := ev.Args.Uint("vmsplice_start")
				if start != raceAddr || ev.Time.Before(began) {
					return false
				}
			}
			return ev.Name == name && ev.Process.TID == tid
		}
	}
	p.waitFor(t, "one event of each syscall", func([]*event.Event) bool {
		for _, k := range kinds {
			if p.find(mine(k)) == nil {
				return false
			}
		}
		return true
	})
	var out []*event.Event
	for _, k := range kinds {
		out = append(out, p.find(mine(k)))
	}
	return out
}

// procExamples runs a short-lived child, a copy of the test binary that
// makes one vmsplice call and exits with status 3, and returns its
// process_exec and process_exit events.
func procExamples(t *testing.T) []*event.Event {
	p := startPipeline(t, &sensor.Options{Host: exampleHost})
	cmd := exec.Command(copyExecutable(t))
	cmd.Env = append(os.Environ(), childEnv+"=vmsplice")
	var ee *exec.ExitError
	if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("child: %v, want exit status 3", err)
	}
	pid := uint32(cmd.Process.Pid)
	mine := func(name string) func(*event.Event) bool {
		return func(ev *event.Event) bool { return ev.Name == name && ev.Process.PID == pid }
	}
	p.waitFor(t, "the child's exec and exit", func([]*event.Event) bool {
		return p.find(mine(event.NameProcessExec)) != nil && p.find(mine(event.NameProcessExit)) != nil
	})
	exit := p.find(mine(event.NameProcessExit))
	if code, _ := exit.Args.Int("exit_code"); code != 3<<8 {
		t.Errorf("process_exit exit_code %d, want %d (the wait status of exit(3))", code, 3<<8)
	}
	return []*event.Event{p.find(mine(event.NameProcessExec)), exit}
}

// throttledExample makes this process exceed a rate limit of 5 events a
// second with 200 sendfile calls and returns the events_throttled summary
// the sensor reports.
func throttledExample(t *testing.T) *event.Event {
	const limit, calls = 5, 200
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPipeline(t, &sensor.Options{Host: exampleHost, Filter: &sensor.Filter{RateLimit: limit},
		LossInterval: 200 * time.Millisecond})
	sendfileToNull(t, plain, calls)
	pid := uint32(os.Getpid())
	mine := func(ev *event.Event) bool { return ev.Name == event.NameEventsThrottled && ev.Process.PID == pid }
	p.waitFor(t, "an events_throttled summary", func([]*event.Event) bool { return p.find(mine) != nil })
	ev := p.find(mine)
	if n, _ := ev.Args.Uint("throttled"); n == 0 || n > calls-limit {
		t.Errorf("throttled %d, want 1 to %d", n, calls-limit)
	}
	return ev
}

// lostExample makes the sensor lose events for real: a one-page ring
// buffer, a reader held up by its handler, and a burst of vmsplice calls.
// It returns the events_lost event the sensor then reports.
func lostExample(t *testing.T) *event.Event {
	requireRoot(t)
	s, err := sensor.New(&sensor.Options{Host: exampleHost, RingBufferBytes: os.Getpagesize(),
		LossInterval: 50 * time.Millisecond, PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("start sensor: %v", err)
	}
	gate := make(chan struct{})
	lost := make(chan *event.Event, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, func(ev *event.Event) {
			<-gate // hold the reader up until the burst is over
			if ev.Name == event.NameEventsLost {
				select {
				case lost <- ev.Clone(): // lent only until the handler returns
				default:
				}
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sensor run: %v", err)
		}
		s.Close()
	})

	for range 2000 {
		if _, err := trigger.BenignVmsplice(64); err != nil {
			close(gate)
			t.Fatal(err)
		}
	}
	close(gate)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-lost:
			if r, _ := ev.Args.String("reason"); r == sensor.LossRingbufFull {
				return ev
			}
		case <-timeout:
			t.Fatal("no events_lost (ringbuf_full) after overflowing a one-page ring buffer")
			return nil
		}
	}
}
