package sensor

import (
	"fmt"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

// xferArgs is the most arguments a splice, tee or sendfile event has.
const xferArgs = 13

// xferBuf is the memory of one splice, tee or sendfile event.
type xferBuf struct {
	ev      event.Event
	comm    [16]byte
	argv    [xferArgs]event.Arg
	in, out fdBuf
	pathv   [2][len(rawXfer{}.PathIn)]byte
	ints    ints
}

// xferRecord decodes the record shared by splice, tee and sendfile, and
// starts its event. The record ends before path_out when that path is
// empty.
func xferRecord(raw []byte, name string, clk monoClock, mem *decodeMem) (*rawXfer, *xferBuf, error) {
	r, err := castPrefix[rawXfer](raw, int(unsafe.Offsetof(rawXfer{}.PathOut)))
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", name, err)
	}
	buf := &mem.xfer
	buf.ints.n = 0
	fillEvent(&buf.ev, &buf.comm, name, &r.H, buf.argv[:0], clk)
	return r, buf, nil
}

// paths returns r's input and output paths, kept in buf. The output path
// is present only when the record is long enough to hold it.
func (buf *xferBuf) paths(r *rawXfer, raw []byte) (in, out string) {
	in = buf.path(0, r.PathIn[:])
	if len(raw) >= int(unsafe.Sizeof(*r)) {
		out = buf.path(1, r.PathOut[:])
	}
	return in, out
}

func (buf *xferBuf) path(i int, c []int8) string {
	n := cLen(c)
	if n == 0 {
		return ""
	}
	copy(buf.pathv[i][:], unsafe.Slice((*byte)(unsafe.Pointer(&c[0])), n))
	return unsafe.String(&buf.pathv[i][0], n)
}

// side appends the descriptor and description of one side of a transfer.
func (buf *xferBuf) side(a args, name, infoName string, fd int64, fb *fdBuf, info *rawFd, path string, h *rawHeader) {
	a.int(name, fd)
	a.put(infoName, fdInfo(fb, &buf.ints, info, path, h.Uid, h.Gid))
}

func decodeSplice(raw []byte, clk monoClock, mem *decodeMem) (*event.Event, error) {
	r, buf, err := xferRecord(raw, event.NameSplice, clk, mem)
	if err != nil {
		return nil, err
	}
	pin, pout := buf.paths(r, raw)
	a := args{&buf.ev.Args, &buf.ints}
	buf.side(a, "fd_in", "fd_in_info", r.FdIn, &buf.in, &r.In, pin, &r.H)
	a.uint("off_in", r.OffIn)
	if r.Valid&0x1 != 0 {
		a.int("off_in_value", r.OffInVal)
	}
	buf.side(a, "fd_out", "fd_out_info", r.FdOut, &buf.out, &r.Out, pout, &r.H)
	a.uint("off_out", r.OffOut)
	if r.Valid&0x2 != 0 {
		a.int("off_out_value", r.OffOutVal)
	}
	a.uint("len", r.Len)
	a.uint("flags", uint64(r.Flags))
	a.put("flag_names", spliceFlagNames(uint64(r.Flags)))
	a.bool("dirty_pipe_merge", r.Facts&factDirtyPipeMerge != 0)
	a.bool("dirty_pipe_shape", r.Facts&factDirtyPipeShape != 0)
	return &buf.ev, nil
}

func decodeTee(raw []byte, clk monoClock, mem *decodeMem) (*event.Event, error) {
	r, buf, err := xferRecord(raw, event.NameTee, clk, mem)
	if err != nil {
		return nil, err
	}
	pin, pout := buf.paths(r, raw)
	a := args{&buf.ev.Args, &buf.ints}
	buf.side(a, "fd_in", "fd_in_info", r.FdIn, &buf.in, &r.In, pin, &r.H)
	buf.side(a, "fd_out", "fd_out_info", r.FdOut, &buf.out, &r.Out, pout, &r.H)
	a.uint("len", r.Len)
	a.uint("flags", uint64(r.Flags))
	a.put("flag_names", spliceFlagNames(uint64(r.Flags)))
	return &buf.ev, nil
}

// decodeSendfile decodes sendfile(out_fd, in_fd, offset, count). The
// record keeps in_fd as its input side.
func decodeSendfile(raw []byte, clk monoClock, mem *decodeMem) (*event.Event, error) {
	r, buf, err := xferRecord(raw, event.NameSendfile, clk, mem)
	if err != nil {
		return nil, err
	}
	pin, pout := buf.paths(r, raw)
	a := args{&buf.ev.Args, &buf.ints}
	buf.side(a, "out_fd", "out_fd_info", r.FdOut, &buf.out, &r.Out, pout, &r.H)
	buf.side(a, "in_fd", "in_fd_info", r.FdIn, &buf.in, &r.In, pin, &r.H)
	a.uint("offset", r.OffIn)
	if r.Valid&0x1 != 0 {
		a.int("offset_value", r.OffInVal)
	}
	a.uint("count", r.Len)
	return &buf.ev, nil
}
