package sensor

import (
	"fmt"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

// xferArgs is the most arguments a splice, tee or sendfile event has.
const xferArgs = 15

// xferBuf is the memory of one splice, tee or sendfile event.
type xferBuf struct {
	ev      event.Event
	comm    [16]byte
	argv    [xferArgs]event.Arg
	in, out fdBuf
	pathv   [2][len(rawXfer{}.Paths) / 2]byte
	ints    ints
}

// xferRecord decodes the record shared by splice, tee and sendfile, and
// starts its event. The record ends after its paths.
func xferRecord(raw []byte, name string, clk monoClock, mem *decodeMem) (*rawXfer, *xferBuf, error) {
	r, err := castPrefix[rawXfer](raw, int(unsafe.Offsetof(rawXfer{}.Paths)))
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", name, err)
	}
	limit := len(r.Paths) / 2
	in, out := int(r.PathInLen), int(r.PathOutLen)
	if in >= limit || out >= limit || int(unsafe.Offsetof(r.Paths))+in+out > len(raw) {
		return nil, nil, fmt.Errorf("decode %s: paths of %d and %d bytes in a record of %d: %w",
			name, in, out, len(raw), errShortRecord)
	}
	buf := &mem.xfer
	buf.ints.n = 0
	fillEvent(&buf.ev, &buf.comm, name, &r.H, buf.argv[:0], clk)
	return r, buf, nil
}

// paths returns r's input and output paths, kept in buf. xferRecord has
// checked that the record holds them.
func (buf *xferBuf) paths(r *rawXfer) (in, out string) {
	n := int(r.PathInLen)
	return buf.path(0, r.Paths[:n]), buf.path(1, r.Paths[n:n+int(r.PathOutLen)])
}

func (buf *xferBuf) path(i int, c []int8) string {
	if len(c) == 0 {
		return ""
	}
	n := copy(buf.pathv[i][:], unsafe.Slice((*byte)(unsafe.Pointer(&c[0])), len(c)))
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
	pin, pout := buf.paths(r)
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
	a.compat(&r.H)
	return &buf.ev, nil
}

func decodeTee(raw []byte, clk monoClock, mem *decodeMem) (*event.Event, error) {
	r, buf, err := xferRecord(raw, event.NameTee, clk, mem)
	if err != nil {
		return nil, err
	}
	pin, pout := buf.paths(r)
	a := args{&buf.ev.Args, &buf.ints}
	buf.side(a, "fd_in", "fd_in_info", r.FdIn, &buf.in, &r.In, pin, &r.H)
	buf.side(a, "fd_out", "fd_out_info", r.FdOut, &buf.out, &r.Out, pout, &r.H)
	a.uint("len", r.Len)
	a.uint("flags", uint64(r.Flags))
	a.put("flag_names", spliceFlagNames(uint64(r.Flags)))
	a.compat(&r.H)
	return &buf.ev, nil
}

// decodeSendfile decodes sendfile(out_fd, in_fd, offset, count). The
// record keeps in_fd as its input side.
func decodeSendfile(raw []byte, clk monoClock, mem *decodeMem) (*event.Event, error) {
	r, buf, err := xferRecord(raw, event.NameSendfile, clk, mem)
	if err != nil {
		return nil, err
	}
	pin, pout := buf.paths(r)
	a := args{&buf.ev.Args, &buf.ints}
	buf.side(a, "out_fd", "out_fd_info", r.FdOut, &buf.out, &r.Out, pout, &r.H)
	buf.side(a, "in_fd", "in_fd_info", r.FdIn, &buf.in, &r.In, pin, &r.H)
	a.uint("offset", r.OffIn)
	if r.Valid&0x1 != 0 {
		a.int("offset_value", r.OffInVal)
	}
	a.uint("count", r.Len)
	a.compat(&r.H)
	return &buf.ev, nil
}
