package sensor

import (
	"bytes"
	"fmt"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

type rawFd = tracepointSwFd

// fdTypeNames names enum sw_fd_type.
var fdTypeNames = map[uint32]string{
	uint32(tracepointSwFdTypeSW_FD_UNKNOWN): "unknown",
	uint32(tracepointSwFdTypeSW_FD_PIPE):    "pipe",
	uint32(tracepointSwFdTypeSW_FD_FILE):    "file",
	uint32(tracepointSwFdTypeSW_FD_SOCKET):  "socket",
	uint32(tracepointSwFdTypeSW_FD_CHR):     "chr",
	uint32(tracepointSwFdTypeSW_FD_BLK):     "blk",
	uint32(tracepointSwFdTypeSW_FD_OTHER):   "other",
}

// Pipe buffer flags (include/linux/pipe_fs_i.h).
var pipeBufFlags = [...]struct {
	bit  uint32
	name string
}{
	{0x01, "LRU"}, {0x02, "ATOMIC"}, {0x04, "GIFT"}, {0x08, "PACKET"},
	{0x10, "CAN_MERGE"}, {0x20, "WHOLE"}, {0x40, "LOSS"},
}

const (
	fmodeRead  = 0x1
	fmodeWrite = 0x2
)

// fdInfo describes a file descriptor from its kernel record. uid and gid
// are the caller's, for the derived can_write fact.
func fdInfo(d *rawFd, path []int8, uid, gid uint32) event.Args {
	typ := fdTypeNames[d.Type]
	if typ == "" {
		typ = "other"
	}
	a := make(event.Args, 0, 14)
	a.Add("type", typ)
	if d.Type == uint32(tracepointSwFdTypeSW_FD_UNKNOWN) {
		return a
	}
	a.AddUint("ino", d.Ino)
	a.AddUint("dev", uint64(d.Dev))
	if d.Rdev != 0 {
		a.AddUint("rdev", uint64(d.Rdev))
	}
	a.AddUint("mode", uint64(d.Mode))
	a.Add("perm", fmt.Sprintf("%04o", d.Mode&0o7777))
	a.AddUint("uid", uint64(d.Uid))
	a.AddUint("gid", uint64(d.Gid))
	a.AddUint("open_flags", uint64(d.F_flags))
	a.Add("access", accessString(d.F_mode))
	a.Add("can_write", canWrite(d, uid, gid))
	if d.Type == uint32(tracepointSwFdTypeSW_FD_FILE) {
		a.AddInt("size", d.Size)
	}
	if p := cString(path); p != "" {
		a.Add("path", p)
	}
	if d.Type == uint32(tracepointSwFdTypeSW_FD_PIPE) {
		a.Add("pipe", pipeInfo(d))
	}
	return a
}

func pipeInfo(d *rawFd) event.Args {
	end := "read"
	if d.F_mode&fmodeWrite != 0 {
		end = "write"
	}
	p := make(event.Args, 0, 9)
	p.Add("end", end)
	p.AddUint("head", uint64(d.PipeHead))
	p.AddUint("tail", uint64(d.PipeTail))
	p.AddUint("ring_size", uint64(d.PipeRingSize))
	p.Add("wrapped", d.PipeRingSize != 0 && d.PipeHead >= d.PipeRingSize)
	p.AddUint("readers", uint64(d.PipeReaders))
	p.AddUint("writers", uint64(d.PipeWriters))
	p.AddUint("buf_flags", uint64(d.PipeBufFlags))
	names := []any{}
	for _, f := range pipeBufFlags {
		if d.PipeBufFlags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	p.Add("buf_flag_names", names)
	return p
}

func accessString(fmode uint32) string {
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

func cString(c []int8) string {
	if len(c) == 0 {
		return ""
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&c[0])), len(c))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
