package sensor

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

// benchHeader is the header of a call made by pid. The benchmark uses its
// own process, so that the executable and container lookups take the path
// they take for a live process: cached after the first event.
func benchHeader(kind uint32, pid uint32, ret int64) rawHeader {
	h := rawHeader{Kind: kind, TsEnter: 5_000_000_000, TsExit: 5_000_001_200, Pid: pid, Tid: pid, Ppid: 1,
		Uid: 1000, Gid: 1000, Ret: ret, CgroupId: 4242, MntNs: 4026531841, PidNs: 4026531836}
	copy(rawBytes(&h.Comm)[:], "vmsplice-loop")
	return h
}

// benchPipeFd is the write end of a pipe holding one 64-byte buffer.
func benchPipeFd() rawFd {
	return rawFd{Ino: 1392871, Type: uint32(tracepointSwFdTypeSW_FD_PIPE), Dev: 14, Mode: 0o10600, Uid: 1000, Gid: 1000,
		F_flags: 0o1, F_mode: 0x4000e, PipeHead: 1, PipeTail: 0, PipeRingSize: 16, PipeReaders: 1, PipeWriters: 1,
		PipeBufFlags: 0x10}
}

// benchVmsplice is the record of vmsplice(pipe, {64 bytes}, 1, 0) = 64,
// cut after its one copied segment as the kernel sends it.
func benchVmsplice(pid uint32) []byte {
	r := &rawVmsplice{H: benchHeader(kindVmsplice, pid, 64), Fd: 4, Uiov: 0x7ffd5c3a1e40, NrSegs: 1, UserLimit: 0x7ffffffff000,
		KernelFirst: -1, VdsoFirst: -1, IovChangedFirst: -1, OverlongFirst: -1, SegsScanned: 1, FdInfo: benchPipeFd(),
		Kpipe: 0xffff8881043c2a00}
	r.Iov[0].Base, r.Iov[0].Len = 0xc000180000, 64
	full := rawBytes(r)
	return full[: unsafe.Offsetof(r.Iov)+16 : len(full)]
}

// benchSendfile is the record of sendfile(/dev/null, file, &off, 65536) =
// 65536, with both paths.
func benchSendfile(pid uint32) []byte {
	r := &rawXfer{H: benchHeader(kindSendfile, pid, 65536), FdIn: 3, FdOut: 5, OffIn: 0xc0000a2f08, Len: 65536, Valid: 1}
	r.In = rawFd{Ino: 2883602, Size: 65536, Type: uint32(tracepointSwFdTypeSW_FD_FILE), Dev: 0x800001, Mode: 0o100600,
		Uid: 1000, Gid: 1000, F_flags: 0o100000, F_mode: 0x4a801d}
	r.Out = rawFd{Ino: 5, Type: uint32(tracepointSwFdTypeSW_FD_CHR), Dev: 6, Rdev: 0x103, Mode: 0o20666,
		F_flags: 0o100001, F_mode: 0x4a801e}
	return xferWithPaths(r, "/tmp/TestOverhead1234567/001/64k", "/dev/null")
}

// benchSensor is a sensor without eBPF: the user-space half of Run.
func benchSensor() *Sensor {
	return &Sensor{
		opts:  Options{Host: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		clock: newMonoClock(), mem: new(decodeMem), procs: newProcTable(65536), conts: newContainerCache(4096),
		m: newMetrics(prometheus.NewRegistry()), loss: newLossCounter(nil),
	}
}

// BenchmarkDecodeDispatch measures the reader's work per benign event, as
// `splicewatch run` does it with one worker: decode and enrich the record,
// count it, and evaluate it against the built-in Go signatures (SPW-001,
// SPW-009), which raise no finding.
//
//	go test -run '^$' -bench DecodeDispatch -benchmem ./sensor
func BenchmarkDecodeDispatch(b *testing.B) {
	for _, bc := range []struct {
		name string
		raw  []byte
	}{
		{"vmsplice64", benchVmsplice(uint32(os.Getpid()))},
		{"sendfile64k", benchSendfile(uint32(os.Getpid()))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchSensor()
			eng := engine.New(nil)
			for _, sig := range builtin.All() {
				eng.Add(engine.FromSignature(sig))
			}
			ctx := context.Background()
			findings := 0
			emit := func(*event.Finding) { findings++ }
			handle := func(ev *event.Event) { eng.Evaluate(ctx, ev, emit) }
			// Room for the largest record, as in Run.
			raw := make([]byte, len(bc.raw), 1024)
			copy(raw, bc.raw)
			b.ReportAllocs()
			for b.Loop() {
				s.handleRecord(raw, handle)
			}
			if findings != 0 {
				b.Fatalf("%d findings on benign events", findings)
			}
		})
	}
}
