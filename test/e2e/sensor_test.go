package e2e

import (
	"os"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/test/trigger"
)

const efault = -int64(unix.EFAULT)

// thread pins the test to one OS thread so that tid checks are exact.
func thread(t *testing.T) uint32 {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	return uint32(unix.Gettid())
}

func argUint(t *testing.T, ev *event.Event, name string) uint64 {
	t.Helper()
	v, ok := ev.Args.Uint(name)
	if !ok {
		v, _ := ev.Args.Get(name)
		t.Fatalf("%s event: arg %q missing or not unsigned: %#v", ev.Name, name, v)
	}
	return v
}

func argInt(t *testing.T, ev *event.Event, name string) int64 {
	t.Helper()
	v, ok := ev.Args.Int(name)
	if !ok {
		v, _ := ev.Args.Get(name)
		t.Fatalf("%s event: arg %q missing or not an integer: %#v", ev.Name, name, v)
	}
	return v
}

func checkProcess(t *testing.T, ev *event.Event, tid uint32) {
	t.Helper()
	p := ev.Process
	if p.PID != uint32(os.Getpid()) || p.TID != tid || p.PPID != uint32(os.Getppid()) {
		t.Errorf("process ids: got pid %d tid %d ppid %d, want %d %d %d", p.PID, p.TID, p.PPID, os.Getpid(), tid, os.Getppid())
	}
	if p.UID != uint32(os.Getuid()) || p.GID != uint32(os.Getgid()) {
		t.Errorf("uid/gid: got %d/%d, want %d/%d", p.UID, p.GID, os.Getuid(), os.Getgid())
	}
	comm, _ := os.ReadFile("/proc/self/comm")
	if want := string(comm[:len(comm)-1]); p.Comm != want {
		t.Errorf("comm: got %q, want %q", p.Comm, want)
	}
	if exe, _ := os.Executable(); p.Exe != exe {
		t.Errorf("exe: got %q, want %q", p.Exe, exe)
	}
	if p.CgroupID == 0 || p.MntNS == 0 || p.PidNS == 0 {
		t.Errorf("cgroup/namespaces missing: %+v", p)
	}
	if ev.Time.IsZero() || ev.Host == "" {
		t.Errorf("time or host missing: %v %q", ev.Time, ev.Host)
	}
}

func TestVmspliceKernelAddress(t *testing.T) {
	p := startPipeline(t, nil)
	buf := make([]byte, 8)
	user := uint64(uintptr(unsafe.Pointer(&buf[0])))

	tests := []struct {
		name    string
		nsegs   int
		bad     int
		readEnd bool
	}{
		{"segment 0 of 1, write end", 1, 0, false},
		{"segment 700 of 1024, write end", 1024, 700, false},
		{"segment 1000 of 1024, write end", 1024, 1000, false},
		{"segment 1023 of 1024, write end", 1024, 1023, false},
		{"segment 3 of 4, read end", 4, 3, true},
	}
	// Events are told apart by their iovec's address: every iovec stays
	// alive until the end, so that no subtest reuses an earlier one's
	// memory (and matches its event).
	var alive [][]trigger.Iovec
	defer runtime.KeepAlive(&alive)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tid := thread(t)
			r, w, err := trigger.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(r)
			defer unix.Close(w)
			iov := make([]trigger.Iovec, tt.nsegs)
			alive = append(alive, iov)
			for i := range iov {
				iov[i] = trigger.Iovec{Base: user, Len: 1}
			}
			iov[tt.bad].Base = trigger.KernelAddr
			fd := w
			if tt.readEnd {
				fd = r
			}
			iovAddr := uint64(uintptr(unsafe.Pointer(&iov[0])))
			ret := trigger.Vmsplice(fd, iov, unix.SPLICE_F_NONBLOCK)
			runtime.KeepAlive(buf)
			if ret != efault {
				t.Fatalf("vmsplice returned %d, want %d (EFAULT)", ret, efault)
			}
			match := func(ev *event.Event) bool {
				a, _ := ev.Args.Uint("iov_addr")
				return ev.Name == event.NameVmsplice && a == iovAddr && ev.Process.TID == tid
			}
			p.waitFor(t, "vmsplice event", func([]*event.Event) bool { return p.find(match) != nil })
			ev := p.find(match)
			checkProcess(t, ev, tid)
			if ev.Ret != efault {
				t.Errorf("ret = %d, want %d", ev.Ret, efault)
			}
			for name, want := range map[string]uint64{
				"fd": uint64(fd), "nr_segs": uint64(tt.nsegs), "flags": unix.SPLICE_F_NONBLOCK,
				"kernel_segs": 1, "kernel_first": uint64(tt.bad), "kernel_first_base": trigger.KernelAddr,
				"segs_scanned": uint64(tt.nsegs), "overlong_segs": 0,
			} {
				if got := argUint(t, ev, name); got != want {
					t.Errorf("args.%s = %d, want %d", name, got, want)
				}
			}
			if lim := argUint(t, ev, "user_limit"); lim < 0x7ffffffff000 || lim > 0x00fffffffffff000 {
				t.Errorf("user_limit %#x is not a user-space limit", lim)
			}
			segs, _ := ev.Args.List("iov")
			if want := min(tt.nsegs, 16); len(segs) != want {
				t.Fatalf("len(iov) = %d, want %d", len(segs), want)
			}
			for i, s := range segs {
				base, _ := s.(event.Args).Uint("base")
				if want := iov[i].Base; base != want {
					t.Errorf("iov[%d].base = %#x, want %#x", i, base, want)
				}
			}
			fs := p.findingsFor(ev)
			if len(fs) != 1 || fs[0].Rule.ID != "SPW-001" {
				t.Fatalf("findings = %v, want one SPW-001", fs)
			}
			f := fs[0]
			if f.Rule.Severity != event.SeverityCritical {
				t.Errorf("severity %v, want critical", f.Rule.Severity)
			}
			data := event.Normalize(f.Data).(event.Args)
			if seg, _ := data.Int("segment"); seg != int64(tt.bad) {
				t.Errorf("finding segment = %d, want %d", seg, tt.bad)
			}
			if addr, _ := data.Uint("address"); addr != trigger.KernelAddr {
				t.Errorf("finding address = %#x, want %#x", addr, uint64(trigger.KernelAddr))
			}
		})
	}
}

func TestBenignTraffic(t *testing.T) {
	p := startPipeline(t, nil)
	tid := thread(t)

	ret, err := trigger.BenignVmsplice(64)
	if err != nil || ret != 64 {
		t.Fatalf("benign vmsplice: %d, %v", ret, err)
	}
	in, out, err := trigger.BenignSpliceFile(t.TempDir(), 4096)
	if err != nil || in != 4096 || out != 4096 {
		t.Fatalf("benign splice: %d, %d, %v", in, out, err)
	}
	p.waitFor(t, "one vmsplice and two splice events", func(evs []*event.Event) bool {
		n := map[string]int{}
		for _, ev := range evs {
			if ev.Process.TID == tid {
				n[ev.Name]++
			}
		}
		return n[event.NameVmsplice] >= 1 && n[event.NameSplice] >= 2
	})
	vm := p.find(func(ev *event.Event) bool { return ev.Name == event.NameVmsplice && ev.Process.TID == tid })
	checkProcess(t, vm, tid)
	if vm.Ret != 64 || argUint(t, vm, "kernel_segs") != 0 || argUint(t, vm, "overlong_segs") != 0 {
		t.Errorf("benign vmsplice event: ret %d args %v", vm.Ret, vm.Args)
	}
	if first := argInt(t, vm, "kernel_first"); first != -1 {
		t.Errorf("kernel_first = %d, want -1", first)
	}
	sp := p.find(func(ev *event.Event) bool {
		_, hasOff := ev.Args.Int("off_in_value")
		return ev.Name == event.NameSplice && ev.Process.TID == tid && hasOff
	})
	if sp == nil {
		t.Fatal("no splice event with off_in_value")
	}
	if sp.Ret != 4096 || argUint(t, sp, "len") != 4096 || argInt(t, sp, "off_in_value") != 0 || argUint(t, sp, "off_in") == 0 {
		t.Errorf("splice file->pipe event: ret %d args %v", sp.Ret, sp.Args)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.findings) != 0 {
		t.Errorf("benign traffic raised %d findings, first: %+v", len(p.findings), p.findings[0].Rule)
	}
}

func TestTeeAndSendfile(t *testing.T) {
	p := startPipeline(t, nil)
	tid := thread(t)

	r1, w1, _ := trigger.Pipe()
	r2, w2, _ := trigger.Pipe()
	defer func() { unix.Close(r1); unix.Close(w1); unix.Close(r2); unix.Close(w2) }()
	if _, err := unix.Write(w1, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	if ret := trigger.Tee(r1, w2, 100, unix.SPLICE_F_NONBLOCK); ret != 100 {
		t.Fatalf("tee returned %d", ret)
	}
	f, err := os.CreateTemp(t.TempDir(), "sendfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(make([]byte, 300))
	// Go may move this variable with its stack, so the pointer itself is
	// only checked for being set; the value read through it must be 10.
	off := new(int64)
	*off = 10
	if ret := trigger.Sendfile(w2, int(f.Fd()), off, 200); ret != 200 {
		t.Fatalf("sendfile returned %d", ret)
	}
	p.waitFor(t, "tee and sendfile events", func([]*event.Event) bool {
		return p.find(func(ev *event.Event) bool { return ev.Name == event.NameSendfile && ev.Process.TID == tid }) != nil &&
			p.find(func(ev *event.Event) bool { return ev.Name == event.NameTee && ev.Process.TID == tid }) != nil
	})
	tee := p.find(func(ev *event.Event) bool { return ev.Name == event.NameTee && ev.Process.TID == tid })
	checkProcess(t, tee, tid)
	if tee.Ret != 100 || argInt(t, tee, "fd_in") != int64(r1) || argInt(t, tee, "fd_out") != int64(w2) ||
		argUint(t, tee, "len") != 100 || argUint(t, tee, "flags") != unix.SPLICE_F_NONBLOCK {
		t.Errorf("tee event: ret %d args %v", tee.Ret, tee.Args)
	}
	sf := p.find(func(ev *event.Event) bool { return ev.Name == event.NameSendfile && ev.Process.TID == tid })
	if sf.Ret != 200 || argInt(t, sf, "out_fd") != int64(w2) || argInt(t, sf, "in_fd") != int64(f.Fd()) ||
		argUint(t, sf, "count") != 200 || argInt(t, sf, "offset_value") != 10 ||
		argUint(t, sf, "offset") == 0 {
		t.Errorf("sendfile event: ret %d args %v", sf.Ret, sf.Args)
	}
}
