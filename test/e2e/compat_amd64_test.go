package e2e

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// TestCompatSyscalls makes every watched call through the 32-bit entry
// (`int $0x80` from this 64-bit process, as an attacker avoiding the
// 64-bit hooks would) with the sensor told to watch such calls, and checks
// each event: compat set, the 32-bit arguments widened, a 20-segment
// compat iovec scanned past its first 16 segments and compared again at
// exit, and 32-bit and 64-bit sendfile offsets read at their own widths;
// and the findings: SPW-011 for the 64-bit caller, SPW-008 for the
// sensitive file.
// In tracepoint mode this is the raw sys_enter/sys_exit pair; in the
// kprobe and fentry modes (make test-kernels) the __ia32_* wrappers.
func TestCompatSyscalls(t *testing.T) {
	requireRoot(t)
	if ok, err := trigger.Int80Works(); !ok {
		t.Skipf("this kernel runs no 32-bit system calls, so there is nothing to watch: %v", err)
	}
	p := startPipeline(t, &sensor.Options{CompatSyscalls: sensor.CompatOn})
	defer p.stop()
	if p.sensor.Compat() == "" {
		t.Fatalf("sensor in mode %s does not watch 32-bit calls although told to", p.sensor.Mode())
	}
	t.Logf("mode %s: 32-bit calls through %s", p.sensor.Mode(), p.sensor.Compat())
	pid := uint32(os.Getpid()) // subtests run on other threads

	low, base, err := trigger.Low(64 << 10)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(low)
	le := binary.LittleEndian
	data := base + 32<<10 // the bytes moved; the first half holds arguments

	file := filepath.Join(t.TempDir(), "compat")
	if err := os.WriteFile(file, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null := devNull(t)
	r, w, err := trigger.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	if err := unix.SetNonblock(r, true); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, 1<<20); err != nil {
		t.Fatalf("grow pipe: %v", err)
	}
	mine := func(name string) func(*event.Event) bool {
		return func(ev *event.Event) bool {
			c, _ := ev.Args.Bool("compat")
			return ev.Name == name && ev.Process.PID == pid && c
		}
	}

	t.Run("vmsplice", func(t *testing.T) {
		// 20 compat segments {base u32, len u32} of 8 bytes each, but
		// segment 18, past the 16 segments a chunk holds, is overlong.
		const nsegs, overlong = 20, 18
		for i := range nsegs {
			b, n := data+uint32(8*i), uint32(8)
			if i == overlong {
				b, n = data, 0x80000000
			}
			le.PutUint32(low[8*i:], b)
			le.PutUint32(low[8*i+4:], n)
		}
		ret := trigger.Int80(trigger.IA32Vmsplice, uint32(w), base, nsegs, unix.SPLICE_F_NONBLOCK)
		ev := waitEvent(t, p, "a 32-bit vmsplice", mine(event.NameVmsplice))
		t.Logf("vmsplice returned %d", ret)
		wantUint(t, ev, "iov_addr", uint64(base))
		wantUint(t, ev, "nr_segs", nsegs)
		wantUint(t, ev, "segs_scanned", nsegs)
		wantUint(t, ev, "kernel_segs", 0)
		wantUint(t, ev, "overlong_segs", 1)
		wantInt(t, ev, "overlong_first", overlong)
		wantUint(t, ev, "overlong_first_len", 0x80000000)
		if changed, _ := ev.Args.Bool("iov_changed"); changed {
			t.Errorf("iov_changed: the exit re-read of the compat array disagrees with the entry read")
		}
		iov, _ := ev.Args.List("iov")
		if len(iov) != 16 {
			t.Fatalf("iov holds %d segments, want 16", len(iov))
		}
		for i, s := range iov {
			seg := s.(event.Args)
			b, _ := seg.Uint("base")
			n, _ := seg.Uint("len")
			if b != uint64(data)+uint64(8*i) || n != 8 {
				t.Errorf("iov[%d] = {%#x, %d}, want {%#x, 8}", i, b, n, uint64(data)+uint64(8*i))
			}
		}
		if ev.Ret != ret {
			t.Errorf("ret %d, the call returned %d", ev.Ret, ret)
		}
		// This test is a 64-bit program taking the 32-bit entry.
		if from64, _ := ev.Args.Bool("compat_from_64bit"); !from64 {
			t.Errorf("compat_from_64bit false for a 64-bit process")
		}
		if f := requireFinding(t, p, ev, "SPW-011"); f.Data["syscall"] != event.NameVmsplice {
			t.Errorf("SPW-011 data %v", f.Data)
		}
		drain(t, r)
	})

	t.Run("splice", func(t *testing.T) {
		le.PutUint64(low[1024:], 4096) // loff_t off_in
		ret := trigger.Int80(trigger.IA32Splice, uint32(f.Fd()), base+1024, uint32(w), 0, 100, 0)
		if ret != 100 {
			t.Fatalf("32-bit splice returned %d", ret)
		}
		ev := waitEvent(t, p, "a 32-bit splice", mine(event.NameSplice))
		wantUint(t, ev, "off_in", uint64(base)+1024)
		wantInt(t, ev, "off_in_value", 4096)
		wantUint(t, ev, "len", 100)
		in, _ := ev.Args.Object("fd_in_info")
		if path, _ := in.String("path"); path != file {
			t.Errorf("fd_in_info.path %q, want %q", path, file)
		}
	})

	t.Run("tee", func(t *testing.T) {
		r2, w2, err := trigger.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(r2)
		defer unix.Close(w2)
		ret := trigger.Int80(trigger.IA32Tee, uint32(r), uint32(w2), 50, unix.SPLICE_F_NONBLOCK)
		if ret != 50 {
			t.Fatalf("32-bit tee returned %d", ret)
		}
		ev := waitEvent(t, p, "a 32-bit tee", mine(event.NameTee))
		wantInt(t, ev, "fd_in", int64(r))
		wantInt(t, ev, "fd_out", int64(w2))
		wantUint(t, ev, "len", 50)
		drain(t, r)
	})

	for _, tt := range []struct {
		name   string
		nr     int
		offset int64
		put    func(b []byte)
	}{
		// compat_off_t: 32 bits. Its neighbour is set so that reading 64
		// bits would give another value.
		{"sendfile", trigger.IA32Sendfile, 5, func(b []byte) { le.PutUint32(b, 5); le.PutUint32(b[4:], 0xffffffff) }},
		{"sendfile64", trigger.IA32Sendfile64, 7, func(b []byte) { le.PutUint64(b, 7) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.put(low[2048:])
			ret := trigger.Int80(tt.nr, uint32(null.Fd()), uint32(f.Fd()), base+2048, 10)
			if ret != 10 {
				t.Fatalf("32-bit %s returned %d", tt.name, ret)
			}
			ev := waitEvent(t, p, "a 32-bit "+tt.name, func(ev *event.Event) bool {
				off, _ := ev.Args.Int("offset_value")
				return mine(event.NameSendfile)(ev) && off == tt.offset
			})
			wantUint(t, ev, "offset", uint64(base)+2048)
			wantUint(t, ev, "count", 10)
			wantInt(t, ev, "in_fd", int64(f.Fd()))
			wantInt(t, ev, "out_fd", int64(null.Fd()))
			requireFinding(t, p, ev, "SPW-011")
		})
	}

	// What the 32-bit entry was a way around: moving /etc/shadow. Where
	// there is none (the qemu initramfs), a file of its own, watched by
	// the pack configured for it.
	t.Run("SPW-008", func(t *testing.T) {
		path, cfg := sensitiveFile(t)
		sh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer sh.Close()
		if ret := trigger.Int80(trigger.IA32Sendfile, uint32(null.Fd()), uint32(sh.Fd()), 0, 4096); ret < 0 {
			t.Fatalf("32-bit sendfile of %s returned %d", path, ret)
		}
		ev := waitEvent(t, p, "a 32-bit sendfile of "+path, func(ev *event.Event) bool {
			in, _ := ev.Args.Object("in_fd_info")
			got, _ := in.String("path")
			return mine(event.NameSendfile)(ev) && got == path
		})
		if f := requireSensitiveFinding(t, p, ev, cfg); f.Data["path"] != path {
			t.Errorf("SPW-008 data %v", f.Data)
		}
	})
}

// TestCompatDefault checks what the default setting (auto) gives in the
// mode under test: in the fentry and kprobe modes the __ia32_* wrappers
// are hooked, at no cost to 64-bit calls, and a 32-bit call is seen; in
// tracepoint mode, where seeing them costs every system call, they are
// left alone (the sensor warns at startup).
func TestCompatDefault(t *testing.T) {
	requireRoot(t)
	if ok, err := trigger.Int80Works(); !ok {
		t.Skipf("this kernel runs no 32-bit system calls: %v", err)
	}
	p := startPipelineRules(t, &sensor.Options{CompatSyscalls: sensor.CompatAuto}, false)
	defer p.stop()
	if p.sensor.Mode() == features.ModeTracepoint {
		if how := p.sensor.Compat(); how != "" {
			t.Errorf("tracepoint mode watches 32-bit calls through %s by default: that costs every system call", how)
		}
		return
	}
	if how := p.sensor.Compat(); how != "ia32 hooks" {
		t.Fatalf("mode %s watches 32-bit calls through %q by default, want the ia32 hooks", p.sensor.Mode(), how)
	}
	null := devNull(t)
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ret := trigger.Int80(trigger.IA32Sendfile64, uint32(null.Fd()), uint32(f.Fd()), 0, 16); ret != 16 {
		t.Fatalf("32-bit sendfile64 returned %d", ret)
	}
	pid := uint32(os.Getpid())
	waitEvent(t, p, "a 32-bit sendfile64", func(ev *event.Event) bool {
		c, _ := ev.Args.Bool("compat")
		n, _ := ev.Args.Uint("count")
		return ev.Name == event.NameSendfile && ev.Process.PID == pid && c && n == 16
	})
}

// wantUint and wantInt check an argument with argUint and argInt.
func wantUint(t *testing.T, ev *event.Event, name string, want uint64) {
	t.Helper()
	if got := argUint(t, ev, name); got != want {
		t.Errorf("%s %s = %d, want %d", ev.Name, name, got, want)
	}
}

func wantInt(t *testing.T, ev *event.Event, name string, want int64) {
	t.Helper()
	if got := argInt(t, ev, name); got != want {
		t.Errorf("%s %s = %d, want %d", ev.Name, name, got, want)
	}
}

// drain empties the pipe whose non-blocking read end is r.
func drain(t *testing.T, r int) {
	t.Helper()
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(r, buf)
		if n <= 0 || err != nil {
			return
		}
	}
}
