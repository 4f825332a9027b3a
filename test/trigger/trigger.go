package trigger

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// KernelAddr is the legacy vsyscall page: always in kernel space on x86_64.
const KernelAddr = 0xffffffffff600000

// Iovec is one vmsplice segment, laid out as struct iovec.
type Iovec struct {
	Base uint64
	Len  uint64
}

// Pipe returns a new pipe's read and write ends.
func Pipe() (r, w int, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return -1, -1, fmt.Errorf("pipe2: %w", err)
	}
	return p[0], p[1], nil
}

// Vmsplice calls vmsplice(fd, iov, len(iov), flags) and returns its raw
// result: a byte count, or a negative errno.
func Vmsplice(fd int, iov []Iovec, flags int) int64 {
	var p unsafe.Pointer
	if len(iov) > 0 {
		p = unsafe.Pointer(&iov[0])
	}
	r, _, errno := unix.RawSyscall6(unix.SYS_VMSPLICE, uintptr(fd), uintptr(p), uintptr(len(iov)), uintptr(flags), 0, 0)
	if errno != 0 {
		return -int64(errno)
	}
	return int64(r)
}

// Splice calls splice with NULL offsets and returns its raw result.
func Splice(in, out int, n int, flags int) int64 {
	r, _, errno := unix.Syscall6(unix.SYS_SPLICE, uintptr(in), 0, uintptr(out), 0, uintptr(n), uintptr(flags))
	if errno != 0 {
		return -int64(errno)
	}
	return int64(r)
}

// SpliceAt calls splice with an input offset and returns its raw result.
func SpliceAt(in int, off *int64, out int, n int, flags int) int64 {
	r, _, errno := unix.Syscall6(unix.SYS_SPLICE, uintptr(in), uintptr(unsafe.Pointer(off)), uintptr(out), 0, uintptr(n), uintptr(flags))
	if errno != 0 {
		return -int64(errno)
	}
	return int64(r)
}

// KernelSegment issues vmsplice with nsegs valid user segments, except
// segment bad, which points at KernelAddr. With readEnd the call goes to
// the pipe's read end (the kernel-write primitive of the 2008 exploits),
// else to its write end. A patched kernel returns -EFAULT.
func KernelSegment(nsegs, bad int, readEnd bool) (int64, error) {
	r, w, err := Pipe()
	if err != nil {
		return 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	buf := make([]byte, 8)
	iov := make([]Iovec, nsegs)
	for i := range iov {
		iov[i] = Iovec{Base: uint64(uintptr(unsafe.Pointer(&buf[0]))), Len: 1}
	}
	iov[bad].Base = KernelAddr
	fd := w
	if readEnd {
		fd = r
	}
	ret := Vmsplice(fd, iov, unix.SPLICE_F_NONBLOCK)
	runtimeKeepAlive(buf)
	return ret, nil
}

// BenignVmsplice moves n bytes of an ordinary buffer into a pipe and reads
// them back, as uutils `yes` does.
func BenignVmsplice(n int) (int64, error) {
	r, w, err := Pipe()
	if err != nil {
		return 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	buf := make([]byte, n)
	ret := Vmsplice(w, []Iovec{{Base: uint64(uintptr(unsafe.Pointer(&buf[0]))), Len: uint64(n)}}, 0)
	runtimeKeepAlive(buf)
	if ret < 0 {
		return ret, fmt.Errorf("benign vmsplice: errno %d", -ret)
	}
	if _, err := unix.Read(r, make([]byte, n)); err != nil {
		return ret, fmt.Errorf("drain pipe: %w", err)
	}
	return ret, nil
}

// BenignSpliceFile copies a file through a pipe into another file with two
// splice calls, as `cat file > other` can. It returns both results.
func BenignSpliceFile(dir string, size int) (in, out int64, err error) {
	src, err := os.CreateTemp(dir, "src")
	if err != nil {
		return 0, 0, fmt.Errorf("create source: %w", err)
	}
	defer src.Close()
	dst, err := os.CreateTemp(dir, "dst")
	if err != nil {
		return 0, 0, fmt.Errorf("create destination: %w", err)
	}
	defer dst.Close()
	if _, err := src.Write(make([]byte, size)); err != nil {
		return 0, 0, fmt.Errorf("fill source: %w", err)
	}
	r, w, err := Pipe()
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	off := int64(0)
	in = SpliceAt(int(src.Fd()), &off, w, size, 0)
	out = Splice(r, int(dst.Fd()), size, 0)
	return in, out, nil
}

// Tee calls tee(in, out, n, flags) and returns its raw result.
func Tee(in, out, n, flags int) int64 {
	r, _, errno := unix.Syscall6(unix.SYS_TEE, uintptr(in), uintptr(out), uintptr(n), uintptr(flags), 0, 0)
	if errno != 0 {
		return -int64(errno)
	}
	return int64(r)
}

// Sendfile calls sendfile(out, in, off, count) and returns its raw result.
func Sendfile(out, in int, off *int64, count int) int64 {
	r, _, errno := unix.Syscall6(unix.SYS_SENDFILE, uintptr(out), uintptr(in), uintptr(unsafe.Pointer(off)), uintptr(count), 0, 0)
	if errno != 0 {
		return -int64(errno)
	}
	return int64(r)
}
