package e2e

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/test/trigger"
)

const nobody = 65534

// sharedDir returns a temporary directory that other users can enter.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "splicewatch-e2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyExecutable copies the running test binary where an unprivileged user
// can execute it.
func copyExecutable(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := sharedDir(t)
	dst := filepath.Join(dir, "e2e-child")
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

func obj(t *testing.T, a event.Args, name string) event.Args {
	t.Helper()
	o, ok := a.Object(name)
	if !ok {
		t.Fatalf("args.%s is not an object: %v", name, a)
	}
	return o
}

func TestDirtyPipeUnprivileged(t *testing.T) {
	p := startPipeline(t, nil)
	target := filepath.Join(sharedDir(t), "root-owned")
	if err := os.WriteFile(target, []byte(strings.Repeat("root only\n", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(copyExecutable(t), target)
	cmd.Env = append(os.Environ(), childEnv+"=dirtypipe")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dirty pipe child: %v: %s", err, out)
	}
	if strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("splice of one byte returned %q", out)
	}
	match := func(ev *event.Event) bool {
		in, _ := ev.Args.Object("fd_in_info")
		path, _ := in.String("path")
		return ev.Name == event.NameSplice && path == target
	}
	p.waitFor(t, "the Dirty Pipe splice", func([]*event.Event) bool { return p.find(match) != nil })
	ev := p.find(match)
	if ev.Process.UID != nobody || ev.Ret != 1 {
		t.Errorf("uid %d ret %d, want %d and 1", ev.Process.UID, ev.Ret, nobody)
	}
	in := obj(t, ev.Args, "fd_in_info")
	if typ, _ := in.String("type"); typ != "file" {
		t.Errorf("fd_in type %q", typ)
	}
	if w, _ := in.Bool("can_write"); w {
		t.Error("an unprivileged caller can_write a root-owned 0644 file")
	}
	if acc, _ := in.String("access"); acc != "r" {
		t.Errorf("open access %q, want r", acc)
	}
	pipe := obj(t, obj(t, ev.Args, "fd_out_info"), "pipe")
	if wrapped, _ := pipe.Bool("wrapped"); !wrapped {
		t.Errorf("pipe ring not wrapped: %v", pipe)
	}
	if end, _ := pipe.String("end"); end != "write" {
		t.Errorf("pipe end %q", end)
	}
	if off, _ := ev.Args.Int("off_in_value"); off != 1 {
		t.Errorf("off_in_value %d, want 1", off)
	}
	if shape, _ := ev.Args.Bool("dirty_pipe_shape"); !shape {
		t.Errorf("dirty_pipe_shape not set: %v", ev.Args)
	}
	// A patched kernel clears CAN_MERGE on buffers spliced from files; a
	// vulnerable one leaves it. Either way the field must match the flags.
	flags, _ := pipe.Uint("buf_flags")
	if merge, _ := ev.Args.Bool("dirty_pipe_merge"); merge != (flags&0x10 != 0) {
		t.Errorf("dirty_pipe_merge %v with buffer flags %#x", merge, flags)
	}
}

func TestVmspliceVDSO(t *testing.T) {
	p := startPipeline(t, nil)
	tid := thread(t)
	start, _, err := trigger.VDSORange()
	if err != nil {
		t.Fatal(err)
	}
	if ret, err := trigger.VmspliceVDSO(); err != nil || ret != 4096 {
		t.Fatalf("vmsplice of the vDSO: %d, %v", ret, err)
	}
	match := func(ev *event.Event) bool {
		n, _ := ev.Args.Uint("vdso_segs")
		return ev.Name == event.NameVmsplice && ev.Process.TID == tid && n > 0
	}
	p.waitFor(t, "vmsplice of the vDSO", func([]*event.Event) bool { return p.find(match) != nil })
	ev := p.find(match)
	if base := argUint(t, ev, "vdso_first_base"); base != start {
		t.Errorf("vdso_first_base %#x, want %#x", base, start)
	}
	if first := argInt(t, ev, "vdso_first"); first != 0 {
		t.Errorf("vdso_first %d", first)
	}
	if k := argUint(t, ev, "kernel_segs"); k != 0 {
		t.Errorf("kernel_segs %d for a user-space vDSO address", k)
	}
	// An ordinary buffer is not in the vDSO.
	if _, err := trigger.BenignVmsplice(64); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "benign vmsplice", func([]*event.Event) bool {
		return p.find(func(ev *event.Event) bool {
			return ev.Name == event.NameVmsplice && ev.Ret == 64 && ev.Process.TID == tid
		}) != nil
	})
	benign := p.find(func(ev *event.Event) bool {
		return ev.Name == event.NameVmsplice && ev.Ret == 64 && ev.Process.TID == tid
	})
	if n := argUint(t, benign, "vdso_segs"); n != 0 {
		t.Errorf("benign vmsplice has vdso_segs %d", n)
	}
}

func TestVmspliceIovecRewritten(t *testing.T) {
	if runtime.NumCPU() < 2 {
		// The rewriting thread must run while vmsplice does.
		t.Skip("the iovec race needs two CPUs; this machine has one (the qemu kernel matrix boots with -smp 1)")
	}
	p := startPipeline(t, nil)
	tid := thread(t)
	changed := func(ev *event.Event) bool {
		c, _ := ev.Args.Bool("iov_changed")
		return ev.Name == event.NameVmsplice && ev.Process.TID == tid && c
	}
	deadline := time.Now().Add(20 * time.Second)
	n := 0
	calls, err := trigger.RacingIovec(200000, func() bool {
		// Looking through the events is slow: do it now and then.
		if n++; n%1024 != 0 {
			return false
		}
		return time.Now().After(deadline) || p.find(changed) != nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "a vmsplice whose iovec changed during the call", func([]*event.Event) bool { return p.find(changed) != nil })
	ev := p.find(changed)
	if first := argInt(t, ev, "iov_changed_first"); first != 0 {
		t.Errorf("iov_changed_first %d, want 0", first)
	}
	t.Logf("rewrite seen after %d calls", calls)
}

func TestSendfilePathsAndTypes(t *testing.T) {
	p := startPipeline(t, nil)
	tid := thread(t)
	path := filepath.Join(t.TempDir(), "secret-key")
	if err := os.WriteFile(path, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
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
	sock, _ := conn.(*net.TCPConn).File()
	conn.Close()
	defer sock.Close()
	if ret := trigger.Sendfile(int(sock.Fd()), int(f.Fd()), nil, 100); ret <= 0 {
		t.Fatalf("sendfile returned %d", ret)
	}
	f.Close() // the path must still be right: it was read at the call
	match := func(ev *event.Event) bool { return ev.Name == event.NameSendfile && ev.Process.TID == tid }
	p.waitFor(t, "sendfile event", func([]*event.Event) bool { return p.find(match) != nil })
	ev := p.find(match)
	in := obj(t, ev.Args, "in_fd_info")
	if got, _ := in.String("path"); got != path {
		t.Errorf("in_fd path %q, want %q", got, path)
	}
	if perm, _ := in.String("perm"); perm != "0600" {
		t.Errorf("perm %q", perm)
	}
	if typ, _ := obj(t, ev.Args, "out_fd_info").String("type"); typ != "socket" {
		t.Errorf("out_fd type %q, want socket", typ)
	}
}

// TestPathsOfShortLivedFiles creates, sends and deletes files in a row: a
// freed dentry's memory and the inode number are soon reused for the next
// file, and the sensor's path cache must not hand out the old file's path.
func TestPathsOfShortLivedFiles(t *testing.T) {
	p := startPipeline(t, nil)
	tid := thread(t)
	dir := t.TempDir()
	null, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	const files = 50
	var want []string
	for i := range files {
		path := filepath.Join(dir, "f"+strconv.Itoa(i))
		if err := os.WriteFile(path, []byte("data"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, path)
		if ret := trigger.Sendfile(int(null.Fd()), int(f.Fd()), nil, 4); ret != 4 {
			t.Fatalf("sendfile returned %d", ret)
		}
		f.Close()
		os.Remove(path)
	}
	var got []string
	p.waitFor(t, "every sendfile", func(evs []*event.Event) bool {
		got = got[:0]
		for _, ev := range evs {
			if ev.Name == event.NameSendfile && ev.Process.TID == tid {
				in, _ := ev.Args.Object("in_fd_info")
				path, _ := in.String("path")
				got = append(got, path)
			}
		}
		return len(got) == files
	})
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sendfile %d: path %q, want %q", i, got[i], want[i])
		}
	}
}
