package sensor

import (
	"bytes"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

type rawFd = tracepointSwFd

// fdTypeNames names enum sw_fd_type, boxed once.
var fdTypeNames = [...]any{
	tracepointSwFdTypeSW_FD_UNKNOWN: "unknown",
	tracepointSwFdTypeSW_FD_PIPE:    "pipe",
	tracepointSwFdTypeSW_FD_FILE:    "file",
	tracepointSwFdTypeSW_FD_SOCKET:  "socket",
	tracepointSwFdTypeSW_FD_CHR:     "chr",
	tracepointSwFdTypeSW_FD_BLK:     "blk",
	tracepointSwFdTypeSW_FD_OTHER:   "other",
}

// Pipe buffer flags (include/linux/pipe_fs_i.h).
var pipeBufFlags = [...]struct {
	bit  uint32
	name string
}{
	{0x01, "LRU"}, {0x02, "ATOMIC"}, {0x04, "GIFT"}, {0x08, "PACKET"},
	{0x10, "CAN_MERGE"}, {0x20, "WHOLE"}, {0x40, "LOSS"},
}

// pipeBufFlagNames holds the name list of every combination of the
// defined pipe buffer flags, built once: events share them and must treat
// them as read-only.
var pipeBufFlagNames = func() (t [1 << len(pipeBufFlags)]any) {
	for v := range t {
		names := []any{}
		for _, f := range pipeBufFlags {
			if uint32(v)&f.bit != 0 {
				names = append(names, f.name)
			}
		}
		t[v] = names
	}
	return t
}()

const (
	fmodeRead  = 0x1
	fmodeWrite = 0x2
)

// fdBuf is the memory of one fd description, part of its event's buffer.
type fdBuf struct {
	args, pipeArgs event.Args
	argv           [14]event.Arg
	pipev          [9]event.Arg
	perm           string
	permv          [4]byte
	path           string
}

// fdInfo describes a file descriptor from its kernel record, in buf, and
// returns the description boxed. path is its path, if the kernel walked
// it. uid and gid are the caller's, for the derived can_write fact.
func fdInfo(buf *fdBuf, b *ints, d *rawFd, path string, uid, gid uint32) any {
	buf.args = buf.argv[:0]
	a := args{&buf.args, b}
	typ := any("other")
	if d.Type < uint32(len(fdTypeNames)) {
		typ = fdTypeNames[d.Type]
	}
	a.put("type", typ)
	if d.Type == uint32(tracepointSwFdTypeSW_FD_UNKNOWN) {
		return boxArgsAt(&buf.args)
	}
	a.uint("ino", d.Ino)
	a.uint("dev", uint64(d.Dev))
	if d.Rdev != 0 {
		a.uint("rdev", uint64(d.Rdev))
	}
	a.uint("mode", uint64(d.Mode))
	perm := d.Mode & 0o7777 // four octal digits, as %04o
	for i := range buf.permv {
		buf.permv[len(buf.permv)-1-i] = byte('0' + perm>>(3*i)&7)
	}
	buf.perm = unsafe.String(&buf.permv[0], len(buf.permv))
	a.str("perm", &buf.perm)
	a.uint("uid", uint64(d.Uid))
	a.uint("gid", uint64(d.Gid))
	a.uint("open_flags", uint64(d.F_flags))
	a.put("access", accessString(d.F_mode))
	a.bool("can_write", canWrite(d, uid, gid))
	if d.Type == uint32(tracepointSwFdTypeSW_FD_FILE) {
		a.int("size", d.Size)
	}
	if path != "" {
		buf.path = path
		a.str("path", &buf.path)
	}
	if d.Type == uint32(tracepointSwFdTypeSW_FD_PIPE) {
		a.obj("pipe", pipeInfo(buf, b, d))
	}
	return boxArgsAt(&buf.args)
}

// pipeInfo describes the pipe behind a descriptor, in buf.
func pipeInfo(buf *fdBuf, b *ints, d *rawFd) *event.Args {
	buf.pipeArgs = buf.pipev[:0]
	p := args{&buf.pipeArgs, b}
	if d.F_mode&fmodeWrite != 0 {
		p.put("end", "write")
	} else {
		p.put("end", "read")
	}
	p.uint("head", uint64(d.PipeHead))
	p.uint("tail", uint64(d.PipeTail))
	p.uint("ring_size", uint64(d.PipeRingSize))
	p.bool("wrapped", d.PipeRingSize != 0 && d.PipeHead >= d.PipeRingSize)
	p.uint("readers", uint64(d.PipeReaders))
	p.uint("writers", uint64(d.PipeWriters))
	p.uint("buf_flags", uint64(d.PipeBufFlags))
	p.put("buf_flag_names", pipeBufFlagNames[d.PipeBufFlags&(1<<len(pipeBufFlags)-1)])
	return &buf.pipeArgs
}

// accessString returns "r", "w", "rw" or "", boxed.
func accessString(fmode uint32) any {
	switch fmode & (fmodeRead | fmodeWrite) {
	case fmodeRead:
		return "r"
	case fmodeWrite:
		return "w"
	case fmodeRead | fmodeWrite:
		return "rw"
	}
	return ""
}

// canWrite mirrors sw_can_write in bpf/include/sw_fd.h.
func canWrite(d *rawFd, uid, gid uint32) bool {
	switch {
	case d.F_mode&fmodeWrite != 0 || uid == 0:
		return true
	case d.Uid == uid:
		return d.Mode&0o200 != 0
	case d.Gid == gid:
		return d.Mode&0o020 != 0
	}
	return d.Mode&0o002 != 0
}

// cLen returns the length of the C string in c.
func cLen(c []int8) int {
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c))), len(c))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return i
	}
	return len(b)
}

func cString(c []int8) string {
	if len(c) == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&c[0])), cLen(c)))
}
