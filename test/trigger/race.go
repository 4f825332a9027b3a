package trigger

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Race is what a page-race trigger does to vmspliced memory before the pipe
// is read.
type Race string

// The page races of CVE-2020-29374 and kin, and the benign order.
const (
	RaceMunmap  Race = "munmap"  // unmap the range
	RaceMadvise Race = "madvise" // MADV_DONTNEED the range
	RaceFork    Race = "fork"    // fork while the pipe holds the pages
	RaceNone    Race = "none"    // read the pipe first, then unmap: benign
)

// PageRace maps two anonymous pages, vmsplices them into a pipe's write end
// and then does what race says, before (or, for RaceNone, after) the pipe
// is read. It returns the mapping's address and length.
func PageRace(race Race) (addr, length uint64, err error) {
	const size = 2 * 4096
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return 0, 0, fmt.Errorf("mmap: %w", err)
	}
	for i := range mem {
		mem[i] = byte(i)
	}
	addr, length = uint64(uintptr(unsafe.Pointer(&mem[0]))), size
	unmapped := false
	defer func() {
		if !unmapped {
			unix.Munmap(mem)
		}
	}()
	r, w, err := Pipe()
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	if ret := Vmsplice(w, []Iovec{{Base: addr, Len: size}}, 0); ret != size {
		return 0, 0, fmt.Errorf("vmsplice returned %d", ret)
	}
	drain := func() error {
		buf := make([]byte, size)
		for got := 0; got < size; {
			n, err := unix.Read(r, buf)
			if err != nil {
				return fmt.Errorf("read pipe: %w", err)
			}
			got += n
		}
		return nil
	}
	switch race {
	case RaceMunmap, RaceNone:
		if race == RaceNone {
			if err := drain(); err != nil {
				return 0, 0, err
			}
		}
		unmapped = true
		if err := unix.Munmap(mem); err != nil {
			return 0, 0, fmt.Errorf("munmap: %w", err)
		}
	case RaceMadvise:
		if err := unix.Madvise(mem, unix.MADV_DONTNEED); err != nil {
			return 0, 0, fmt.Errorf("madvise: %w", err)
		}
	case RaceFork:
		if err := forkAndExit(); err != nil {
			return 0, 0, err
		}
	default:
		return 0, 0, fmt.Errorf("unknown race %q", race)
	}
	if race == RaceNone {
		return addr, length, nil // already drained
	}
	return addr, length, drain()
}

// forkAndExit forks a child that exits at once, and waits for it. A real
// fork (not Go's CLONE_VM spawn) copies the address space, which is what
// the race needs.
func forkAndExit() error {
	pid, _, errno := unix.RawSyscall6(unix.SYS_CLONE, uintptr(unix.SIGCHLD), 0, 0, 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("fork: %w", errno)
	}
	if pid == 0 {
		// The child: nothing of the Go runtime is usable here but raw
		// system calls.
		unix.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(int(pid), &ws, 0, nil); err != nil {
		return fmt.Errorf("wait for child: %w", err)
	}
	return nil
}
