package trigger

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// 32-bit (ia32) system call numbers, from arch/x86/entry/syscalls/syscall_32.tbl.
const (
	IA32Getpid     = 20
	IA32Sendfile   = 187 // compat_sys_sendfile: the offset is a 32-bit compat_off_t
	IA32Sendfile64 = 239 // the offset is a 64-bit loff_t
	IA32Splice     = 313
	IA32Tee        = 315
	IA32Vmsplice   = 316
)

func int80(nr, a1, a2, a3, a4, a5, a6 uint32) int32

// Int80 makes 32-bit system call nr through `int $0x80`, as a 32-bit
// program (or a 64-bit one avoiding the 64-bit entry) does, and returns
// its raw result: a count, or a negative errno. Arguments are 32 bits
// wide, so every pointer must address memory below 4 GiB (see Low).
func Int80(nr int, args ...uint32) int64 {
	var a [6]uint32
	copy(a[:], args)
	return int64(int80(uint32(nr), a[0], a[1], a[2], a[3], a[4], a[5]))
}

// Int80Works reports whether the kernel runs 32-bit system calls. Where
// ia32 emulation is off (CONFIG_IA32_EMULATION=n, or ia32_emulation=0 at
// boot) `int $0x80` faults; the fault is recovered here and reported.
func Int80Works() (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("int $0x80 faulted: %v", r)
		}
	}()
	if got := Int80(IA32Getpid); got != int64(os.Getpid()) {
		return false, fmt.Errorf("32-bit getpid returned %d, want %d", got, os.Getpid())
	}
	return true, nil
}

// Low maps size bytes of anonymous memory below 2 GiB (MAP_32BIT), where
// a 32-bit system call can address it, and returns the memory and its
// address. Unmap it with unix.Munmap.
func Low(size int) ([]byte, uint32, error) {
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_32BIT)
	if err != nil {
		return nil, 0, fmt.Errorf("map memory below 2 GiB: %w", err)
	}
	addr := uintptr(unsafe.Pointer(&b[0]))
	if addr >= 1<<32 {
		unix.Munmap(b)
		return nil, 0, fmt.Errorf("MAP_32BIT gave %#x, above 4 GiB", addr)
	}
	return b, uint32(addr), nil
}
