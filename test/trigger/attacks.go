package trigger

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DirtyPipe performs the syscall sequence of the public CVE-2022-0847
// exploit against target, without the final write: open the file read-only,
// fill a pipe and drain it (leaving every ring slot used once), then splice
// one byte from an unaligned offset into the pipe. On a vulnerable kernel a
// write() to the pipe would now land in target's page cache; this function
// never writes. It returns splice's result.
func DirtyPipe(target string) (int64, error) {
	f, err := os.Open(target)
	if err != nil {
		return 0, fmt.Errorf("open target: %w", err)
	}
	defer f.Close()
	r, w, err := Pipe()
	if err != nil {
		return 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	size, err := unix.FcntlInt(uintptr(w), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		return 0, fmt.Errorf("pipe size: %w", err)
	}
	page := make([]byte, 4096)
	for filled := 0; filled < size; filled += len(page) {
		if _, err := unix.Write(w, page); err != nil {
			return 0, fmt.Errorf("fill pipe: %w", err)
		}
	}
	for drained := 0; drained < size; drained += len(page) {
		if _, err := unix.Read(r, page); err != nil {
			return 0, fmt.Errorf("drain pipe: %w", err)
		}
	}
	off := int64(1)
	return SpliceAt(int(f.Fd()), &off, w, 1, 0), nil
}

// VDSORange returns the start and end of this process's [vdso] mapping.
func VDSORange() (start, end uint64, err error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, 0, fmt.Errorf("read maps: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasSuffix(line, "[vdso]") {
			continue
		}
		lo, hi, _ := strings.Cut(strings.Fields(line)[0], "-")
		s, err1 := strconv.ParseUint(lo, 16, 64)
		e, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			return 0, 0, fmt.Errorf("parse maps line %q", line)
		}
		return s, e, nil
	}
	return 0, 0, fmt.Errorf("no [vdso] mapping")
}

// VmspliceVDSO vmsplices the first page of the vDSO into a pipe, as the
// CVE-2024-26808 technique does, and returns the result.
func VmspliceVDSO() (int64, error) {
	start, _, err := VDSORange()
	if err != nil {
		return 0, err
	}
	r, w, err := Pipe()
	if err != nil {
		return 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	return Vmsplice(w, []Iovec{{Base: start, Len: 4096}}, 0), nil
}

// RacingIovec calls vmsplice rounds times with a one-segment iovec while
// another thread keeps rewriting the segment's base between two buffers,
// the argument-TOCTOU pattern against a sensor that reads the iovec at
// entry. It stops early when stop returns true, and returns the calls made.
func RacingIovec(rounds int, stop func() bool) (int, error) {
	r, w, err := Pipe()
	if err != nil {
		return 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	a, b := make([]byte, 4096), make([]byte, 4096)
	iov := []Iovec{{Base: uint64(uintptr(unsafe.Pointer(&a[0]))), Len: 4096}}
	bases := [2]uint64{iov[0].Base, uint64(uintptr(unsafe.Pointer(&b[0])))}
	done := make(chan struct{})
	flipped := make(chan struct{})
	go func() {
		defer close(flipped)
		base := (*uint64)(unsafe.Pointer(&iov[0].Base))
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			// A plain store: the race with the kernel's read is the point.
			*base = bases[i&1]
		}
	}()
	drain := make([]byte, 4096)
	n := 0
	for ; n < rounds && !stop(); n++ {
		if ret := Vmsplice(w, iov, 0); ret > 0 {
			unix.Read(r, drain)
		}
	}
	close(done)
	<-flipped
	runtimeKeepAlive(a)
	runtimeKeepAlive(b)
	return n, nil
}
