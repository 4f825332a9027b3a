package sensor

import (
	"errors"
	"testing"
	"time"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

func rawBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

func header(kind uint32) rawHeader {
	h := rawHeader{Kind: kind, TsEnter: 1000, TsExit: 1500, Pid: 10, Tid: 11, Ppid: 1, Uid: 1000, Gid: 100, Ret: -14, CgroupId: 7, MntNs: 8, PidNs: 9}
	copy(rawBytes(&h.Comm)[:], "poc")
	return h
}

func sampleVmsplice() *rawVmsplice {
	r := &rawVmsplice{H: header(kindVmsplice), Fd: 4, Uiov: 0x7ffc0000, NrSegs: 1024, Flags: 0x0a, UserLimit: 0x7ffffffff000,
		KernelSegs: 1, KernelFirst: 700, KernelFirstBase: 0xffffffffff600000, OverlongFirst: -1, SegsScanned: 1024}
	for i := range r.Iov {
		r.Iov[i].Base, r.Iov[i].Len = 0x7ffc1000+uint64(i), 1
	}
	return r
}

func TestDecodeRecords(t *testing.T) {
	clk := monoClock{offset: time.Second}
	vm := sampleVmsplice()
	short := sampleVmsplice()
	short.NrSegs = 2
	xfer := &rawXfer{FdIn: 3, FdOut: 5, OffIn: 0x7000, OffInVal: 4095, Len: 1, Flags: 0x04, Valid: 1}

	tests := []struct {
		name  string
		raw   []byte
		event string
		args  map[string]any
		nIov  int
	}{
		{"vmsplice", rawBytes(vm), event.NameVmsplice, map[string]any{
			"fd": int64(4), "nr_segs": int64(1024), "flags": int64(0x0a), "kernel_segs": int64(1),
			"kernel_first": int64(700), "kernel_first_base": uint64(0xffffffffff600000),
			"overlong_first": int64(-1), "segs_scanned": int64(1024), "iov_read_error": false,
		}, 16},
		{"vmsplice cut after its copied segments", rawBytes(short)[:unsafe.Offsetof(short.Iov)+2*16], event.NameVmsplice,
			map[string]any{"nr_segs": int64(2)}, 2},
		{"splice", func() []byte { x := *xfer; x.H = header(kindSplice); return rawBytes(&x) }(), event.NameSplice,
			map[string]any{"fd_in": int64(3), "fd_out": int64(5), "off_in": int64(0x7000), "off_in_value": int64(4095), "len": int64(1), "flags": int64(4)}, -1},
		{"tee", func() []byte { x := *xfer; x.H = header(kindTee); return rawBytes(&x) }(), event.NameTee,
			map[string]any{"fd_in": int64(3), "fd_out": int64(5), "len": int64(1)}, -1},
		{"sendfile", func() []byte { x := *xfer; x.H = header(kindSendfile); return rawBytes(&x) }(), event.NameSendfile,
			map[string]any{"in_fd": int64(3), "out_fd": int64(5), "offset": int64(0x7000), "offset_value": int64(4095), "count": int64(1)}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := decodeRecord(tt.raw, clk)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Name != tt.event || ev.Ret != -14 || ev.DurationNS != 500 {
				t.Errorf("name %q ret %d duration %d", ev.Name, ev.Ret, ev.DurationNS)
			}
			if want := time.Unix(0, 1500+int64(time.Second)); !ev.Time.Equal(want) {
				t.Errorf("time %v, want %v", ev.Time, want)
			}
			p := ev.Process
			if p.PID != 10 || p.TID != 11 || p.PPID != 1 || p.UID != 1000 || p.GID != 100 || p.Comm != "poc" ||
				p.CgroupID != 7 || p.MntNS != 8 || p.PidNS != 9 {
				t.Errorf("process %+v", p)
			}
			for name, want := range tt.args {
				if got, _ := ev.Args.Get(name); got != want {
					t.Errorf("args.%s = %#v, want %#v", name, got, want)
				}
			}
			if tt.nIov >= 0 {
				iov, _ := ev.Args.List("iov")
				if len(iov) != tt.nIov {
					t.Fatalf("len(iov) = %d, want %d", len(iov), tt.nIov)
				}
				if b, _ := iov[1].(event.Args).Uint("base"); b != 0x7ffc1001 {
					t.Errorf("iov[1].base = %#x", b)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	vm := rawBytes(sampleVmsplice())
	unknown := header(99)
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"empty", nil, errShortRecord},
		{"header only", vm[:unsafe.Sizeof(rawHeader{})], errShortRecord},
		{"splice cut", func() []byte { h := header(kindSplice); return rawBytes(&h) }(), errShortRecord},
		{"paths past the record", func() []byte {
			raw := xferWithPaths(&rawXfer{H: header(kindSendfile)}, "/etc/passwd", "/dev/null")
			return raw[:len(raw)-1]
		}(), errShortRecord},
		{"input path too long", func() []byte {
			x := &rawXfer{H: header(kindSplice)}
			raw := xferWithPaths(x, "/a", "")
			x.PathInLen = uint16(len(x.Paths))
			return raw
		}(), errShortRecord},
		{"output path too long", func() []byte {
			x := &rawXfer{H: header(kindTee)}
			x.PathOutLen = uint16(len(x.Paths) / 2)
			return rawBytes(x)
		}(), errShortRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeRecord(tt.raw, monoClock{}); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := decodeRecord(rawBytes(&unknown), monoClock{}); err == nil {
		t.Error("unknown kind decoded")
	}
}

func TestSpliceFlagNames(t *testing.T) {
	tests := []struct {
		flags uint64
		want  []any
	}{
		{0, []any{}},
		{0x0a, []any{"SPLICE_F_NONBLOCK", "SPLICE_F_GIFT"}},
		{0x11, []any{"SPLICE_F_MOVE", "0x10"}},
	}
	for _, tt := range tests {
		got := spliceFlagNames(tt.flags).([]any)
		if len(got) != len(tt.want) {
			t.Errorf("flags %#x: %v, want %v", tt.flags, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("flags %#x: %v, want %v", tt.flags, got, tt.want)
			}
		}
	}
}

func BenchmarkDecodeVmsplice(b *testing.B) {
	r := sampleVmsplice()
	r.NrSegs = 1
	raw := rawBytes(r)[:unsafe.Offsetof(r.Iov)+16]
	raw = raw[:len(raw):len(rawBytes(r))]
	clk := newMonoClock()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRecord(raw, clk); err != nil {
			b.Fatal(err)
		}
	}
}
