package trigger

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PageRaceMremap maps two anonymous pages, vmsplices them into a pipe and
// moves the mapping with mremap(MREMAP_MAYMOVE) to twice its size before
// the pipe is read: the mremap form of the page race. It returns the
// original mapping's address and length.
func PageRaceMremap() (addr, length uint64, err error) {
	const size = 2 * 4096
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return 0, 0, fmt.Errorf("mmap: %w", err)
	}
	for i := range mem {
		mem[i] = byte(i)
	}
	addr, length = uint64(uintptr(unsafe.Pointer(&mem[0]))), size
	r, w, err := Pipe()
	if err != nil {
		unix.Munmap(mem)
		return 0, 0, err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	if ret := Vmsplice(w, []Iovec{{Base: addr, Len: size}}, 0); ret != size {
		unix.Munmap(mem)
		return 0, 0, fmt.Errorf("vmsplice returned %d", ret)
	}
	moved, err := unix.Mremap(mem, 2*size, unix.MREMAP_MAYMOVE)
	if err != nil {
		unix.Munmap(mem)
		return 0, 0, fmt.Errorf("mremap: %w", err)
	}
	defer unix.Munmap(moved)
	buf := make([]byte, size)
	for got := 0; got < size; {
		n, err := unix.Read(r, buf)
		if err != nil {
			return 0, 0, fmt.Errorf("read pipe: %w", err)
		}
		got += n
	}
	return addr, length, nil
}
