package catalog

import (
	"os"
	"os/signal"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
)

// TestClaimsHoldOnThisKernel makes the system calls behind the errno claims
// of the pages, on the running kernel, and checks both the result and that
// the page still makes the claim. No privileges needed.
func TestClaimsHoldOnThisKernel(t *testing.T) {
	pipe := func() (r, w int) {
		t.Helper()
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
		return p[0], p[1]
	}
	r, w := pipe()
	_, w2 := pipe()
	rNoReader, wNoReader := pipe()
	unix.Close(rNoReader)
	f, err := os.Open("catalog.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file := uintptr(f.Fd())
	out, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()

	buf := make([]byte, 64)
	type iovec struct{ base, len uint64 }
	user := uint64(uintptr(unsafe.Pointer(&buf[0])))
	iov := func(base, n uint64) uintptr {
		v := &iovec{base, n}
		return uintptr(unsafe.Pointer(v))
	}
	many := make([]iovec, 1025)
	for i := range many {
		many[i] = iovec{user, 1}
	}
	vmsplice := func(fd int, iov uintptr, n, flags uint64) unix.Errno {
		_, _, e := unix.Syscall6(unix.SYS_VMSPLICE, uintptr(fd), iov, uintptr(n), uintptr(flags), 0, 0)
		return e
	}
	splice := func(in uintptr, offIn uintptr, out int, flags uintptr) unix.Errno {
		_, _, e := unix.Syscall6(unix.SYS_SPLICE, in, offIn, uintptr(out), 0, 4, flags)
		return e
	}
	tee := func(in uintptr, out int, flags uintptr) unix.Errno {
		_, _, e := unix.Syscall6(unix.SYS_TEE, in, uintptr(out), 10, flags, 0, 0)
		return e
	}
	var off int64

	tests := []struct {
		event, claim string
		call         func() unix.Errno
		want         unix.Errno
	}{
		{event.NameVmsplice, "Any other bit among the low 32 fails with EINVAL",
			func() unix.Errno { return vmsplice(w, iov(user, 8), 1, 0x10) }, unix.EINVAL},
		{event.NameVmsplice, "the kernel uses its low 32 bits (`unsigned int`) and ignores the rest",
			func() unix.Errno { return vmsplice(w, iov(user, 8), 1, 1<<32) }, 0},
		{event.NameVmsplice, "`nr_segs` above IOV_MAX (1024) fails with EINVAL",
			func() unix.Errno { return vmsplice(w, uintptr(unsafe.Pointer(&many[0])), 1025, 0) }, unix.EINVAL},
		{event.NameVmsplice, "A descriptor that is not a pipe fails with EBADF",
			func() unix.Errno { return vmsplice(int(file), iov(user, 8), 1, 0) }, unix.EBADF},
		{event.NameVmsplice, "a segment outside user space fails the call with EFAULT",
			func() unix.Errno { return vmsplice(w, iov(0xffffffffff600000, 8), 1, 0) }, unix.EFAULT},
		{event.NameVmsplice, "a segment outside user space fails the call with EFAULT",
			func() unix.Errno { return vmsplice(r, iov(0xffffffffff600000, 8), 1, 0) }, unix.EFAULT},
		{event.NameVmsplice, "such as ULONG_MAX) with EINVAL",
			func() unix.Errno { return vmsplice(w, iov(user, ^uint64(0)), 1, 0) }, unix.EINVAL},
		{event.NameVmsplice, "Writing into a pipe whose read end is closed fails with EPIPE",
			func() unix.Errno { return vmsplice(wNoReader, iov(user, 8), 1, 0) }, unix.EPIPE},
		{event.NameVmsplice, "On a pipe's **read end**, data is copied out of the pipe **into** the user buffers",
			func() unix.Errno {
				r3, w3 := pipe()
				if _, err := unix.Write(w3, []byte("spw")); err != nil {
					return err.(unix.Errno)
				}
				if e := vmsplice(r3, iov(user, 3), 1, 0); e != 0 {
					return e
				}
				if string(buf[:3]) != "spw" {
					return unix.EIO // not copied
				}
				return 0
			}, 0},
		{event.NameSplice, "at least one of them must be a pipe (EINVAL otherwise)",
			func() unix.Errno { return splice(file, 0, int(out.Fd()), 0) }, unix.EINVAL},
		{event.NameSplice, "For a pipe the pointer must be NULL (ESPIPE otherwise)",
			func() unix.Errno { return splice(uintptr(r), uintptr(unsafe.Pointer(&off)), w2, 0) }, unix.ESPIPE},
		{event.NameSplice, "Any other bit fails with EINVAL",
			func() unix.Errno { return splice(file, 0, w2, 0x10) }, unix.EINVAL},
		{event.NameTee, "Both must be pipes, and not the same pipe (EINVAL otherwise)",
			func() unix.Errno { return tee(uintptr(r), w, 0) }, unix.EINVAL},
		{event.NameTee, "Both must be pipes, and not the same pipe (EINVAL otherwise)",
			func() unix.Errno { return tee(file, w2, 0) }, unix.EINVAL},
		{event.NameTee, "Any bit outside SPLICE_F_* fails with EINVAL",
			func() unix.Errno { return tee(uintptr(r), w2, 0x10) }, unix.EINVAL},
	}
	// vmsplice into a pipe without a reader raises SIGPIPE too.
	signal.Ignore(unix.SIGPIPE)
	defer signal.Reset(unix.SIGPIPE)
	for _, tt := range tests {
		t.Run(tt.event+": "+tt.claim, func(t *testing.T) {
			e, _ := Lookup(tt.event)
			if !strings.Contains(allText(&e), tt.claim) {
				t.Errorf("the %s page no longer says %q: update this test with it", tt.event, tt.claim)
			}
			if got := tt.call(); got != tt.want {
				t.Errorf("the kernel returned %v, the page says %v", got, tt.want)
			}
		})
	}
}

// allText is every sentence of a definition, for claim checks.
func allText(e *Event) string {
	var b strings.Builder
	b.WriteString(e.Description)
	for _, a := range flatArgs(e.Args) {
		b.WriteString("\n" + a.Description)
	}
	return b.String()
}
