package sensor

import (
	"testing"
	"unsafe"
)

func rawBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

func sampleVmsplice() *rawVmsplice {
	r := &rawVmsplice{Fd: 4, Uiov: 0x7ffc0000, NrSegs: 1, UserLimit: 0x7ffffffff000, KernelFirst: -1, OverlongFirst: -1, SegsScanned: 1}
	r.H.Kind = kindVmsplice
	r.H.Pid, r.H.Tid, r.H.Ret = 10, 11, 64
	copy(rawBytes(&r.H.Comm)[:], "yes")
	r.Iov[0].Base, r.Iov[0].Len = 0x7ffc1000, 64
	return r
}

func BenchmarkDecodeVmsplice(b *testing.B) {
	raw := rawBytes(sampleVmsplice())
	clk := newMonoClock()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRecord(raw, clk); err != nil {
			b.Fatal(err)
		}
	}
}
