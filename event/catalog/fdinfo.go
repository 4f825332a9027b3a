package catalog

import "slices"

// File descriptor descriptions: the <fd>_info objects (sensor/fdinfo.go,
// bpf/include/sw_fd.h).

// fdSide is where an fd description comes from.
type fdSide int

const (
	sideVmsplice fdSide = iota // vmsplice's fd: no path
	sideIn                     // the input of splice, tee, sendfile
	sideOut                    // their output: pipe buffer flags read at exit
)

// fdTypes are the values of an fd description's type.
var fdTypes = []string{"pipe", "file", "socket", "chr", "blk", "other", "unknown"}

// pipeBufFlagNames are the PIPE_BUF_FLAG_* names, lowest bit first
// (include/linux/pipe_fs_i.h).
var pipeBufFlagNames = []string{"LRU", "ATOMIC", "GIFT", "PACKET", "CAN_MERGE", "WHOLE", "LOSS"}

// fdInfoArg is the description of the descriptor argument fd, read from
// kernel memory when the call is made. side says which of the sensor's
// records it is part of.
func fdInfoArg(fd string, side fdSide) Arg {
	k := []Tag{TagKernel}
	kOpt := []Tag{TagKernel, TagOptional}
	a := Arg{
		Name: fd + "_info", Type: TypeObject, Tags: k,
		Description: "What `" + fd + "` referred to when the call was made, read from the caller's file table in " +
			"kernel memory (the open file, its inode and, for a pipe, the pipe ring), so it stays right even when " +
			"the descriptor is closed or replaced right after the call. A descriptor that is not open, or that " +
			"the sensor could not resolve, has only `type`, \"unknown\".",
		Fields: []Arg{
			{Name: "type", Type: TypeString, Tags: k, Enum: fdTypes,
				Description: "From the inode's file type: `pipe` (a pipe or FIFO), `file` (a regular file), " +
					"`socket`, `chr` (character device), `blk` (block device), `other` (a directory, a symbolic " +
					"link, an anonymous inode such as an eventfd), or `unknown` (not resolved; no other field)."},
			{Name: "ino", Type: TypeUint64, Tags: kOpt, Description: "The inode number (`i_ino`)."},
			{Name: "dev", Type: TypeUint32, Tags: kOpt,
				Description: "The device of the file system holding the inode (`i_sb->s_dev`), in the kernel's " +
					"encoding: major << 20 | minor."},
			{Name: "rdev", Type: TypeUint32, Tags: kOpt,
				Description: "The device number of a character or block device (`i_rdev`), in the kernel's " +
					"encoding; absent for other types, and when it is 0."},
			{Name: "mode", Type: TypeUint32, Tags: kOpt,
				Description: "The inode mode (`i_mode`): file type and permission bits, e.g. 33188 (0100644) for " +
					"a regular file."},
			{Name: "perm", Type: TypeString, Tags: []Tag{TagKernel, TagDerived, TagOptional}, Pattern: "^[0-7]{4}$",
				Description: "The permission bits of `mode` (mode & 07777) as four octal digits, e.g. \"0644\"."},
			{Name: "uid", Type: TypeUint32, Tags: kOpt, Description: "The inode's owner (`i_uid`), in the " +
				"initial user namespace."},
			{Name: "gid", Type: TypeUint32, Tags: kOpt, Description: "The inode's group (`i_gid`), in the " +
				"initial user namespace."},
			{Name: "open_flags", Type: TypeUint32, Tags: kOpt,
				Description: "The open file's flags (`f_flags`: O_RDONLY 0, O_WRONLY 1, O_RDWR 2, O_APPEND 0x400, " +
					"O_NONBLOCK 0x800, O_DIRECT 0x4000, O_CLOEXEC 0x80000, ...)."},
			{Name: "access", Type: TypeString, Tags: []Tag{TagKernel, TagDerived, TagOptional},
				Enum: []string{"r", "w", "rw", ""},
				Description: "How the file is open, from `f_mode`: \"r\" (FMODE_READ), \"w\" (FMODE_WRITE), " +
					"\"rw\", or \"\" for neither (a file opened with O_PATH)."},
			{Name: "can_write", Type: TypeBool, Tags: []Tag{TagKernel, TagDerived, TagOptional},
				Description: "Whether the caller may write the file: it is open for writing, or the caller's " +
					"real uid is 0, or the owner, group or other write bit of `mode` applies to the caller's real " +
					"uid and gid (`process.uid`, `process.gid`). An approximation of the kernel's check: " +
					"capabilities other than uid 0, supplementary groups, ACLs, read-only mounts and immutable " +
					"files are not considered. False on a read-only file of another user is the Dirty Pipe " +
					"precondition."},
			{Name: "size", Type: TypeInt64, Tags: kOpt,
				Description: "The file size in bytes (`i_size`) when the call was made; regular files only."},
			{Name: "path", Type: TypeString, Tags: kOpt,
				Description: "The path of a file, character or block device, built in the kernel by walking the " +
					"dentries and mounts up to the root of the mount tree (at most 24 components, 255 bytes; a " +
					"longer path keeps its end). It is relative to the global root, not the caller's chroot or mount " +
					"namespace, and a deleted file keeps its last name. Absent for pipes, sockets and other types, " +
					"and when empty."},
			{Name: "pipe", Type: TypeObject, Tags: kOpt,
				Description: "The pipe's ring, for a pipe or FIFO: read from the `pipe_inode_info` at syscall " +
					"entry, except `buf_flags`, read at exit. Present only when `type` is \"pipe\".",
				Fields: pipeFields(side == sideOut)},
		},
	}
	pipe := &a.Fields[len(a.Fields)-1]
	if side != sideOut {
		pipe.Description = "The pipe's ring, for a pipe or FIFO: read from the `pipe_inode_info` at syscall " +
			"entry. Present only when `type` is \"pipe\"."
	}
	if side == sideVmsplice {
		// The vmsplice record has no room for a path.
		a.Fields = slices.DeleteFunc(a.Fields, func(f Arg) bool { return f.Name == "path" })
	}
	return a
}

// pipeFields are the members of an fd description's pipe object.
func pipeFields(outPipe bool) []Arg {
	k := []Tag{TagKernel}
	bufFlags := "The flags of the newest buffer (slot head - 1) at syscall **exit**: after the call. For " +
		"a splice from a file into this pipe, a set PIPE_BUF_FLAG_CAN_MERGE (0x10) is the Dirty Pipe bug " +
		"itself. 0 when the pipe's ring could not be read."
	if !outPipe {
		bufFlags = "Always 0 here: the sensor reads the newest buffer's flags at exit only on the output side " +
			"of splice, tee and sendfile (`fd_out_info`, `out_fd_info`), not for this descriptor."
	}
	return []Arg{
		{Name: "end", Type: TypeString, Tags: []Tag{TagKernel, TagDerived}, Enum: []string{"read", "write"},
			Description: "Which end the descriptor is: \"write\" when it is open for writing (FMODE_WRITE), " +
				"else \"read\"."},
		{Name: "head", Type: TypeUint32, Tags: k, Description: "The ring's head (`pipe->head`) at entry: the " +
			"slot the next buffer is written to, counting up without wrapping."},
		{Name: "tail", Type: TypeUint32, Tags: k, Description: "The ring's tail (`pipe->tail`) at entry: the " +
			"oldest buffer still in the pipe. head - tail is the number of buffers it holds."},
		{Name: "ring_size", Type: TypeUint32, Tags: k, Description: "The number of slots (`pipe->ring_size`), " +
			"a power of two: 16 for a default 64 KiB pipe."},
		{Name: "wrapped", Type: TypeBool, Tags: []Tag{TagKernel, TagDerived},
			Description: "Whether `head` >= `ring_size` at entry: every slot has held a buffer at least once, " +
				"so stale buffer flags may remain in any slot (the Dirty Pipe preparation fills and drains the " +
				"pipe to get there)."},
		{Name: "readers", Type: TypeUint32, Tags: k, Description: "Open read ends (`pipe->readers`) at entry. " +
			"0 means a write fails with EPIPE."},
		{Name: "writers", Type: TypeUint32, Tags: k, Description: "Open write ends (`pipe->writers`) at entry."},
		{Name: "buf_flags", Type: TypeUint32, Tags: k,
			Description: bufFlags},
		{Name: "buf_flag_names", Type: TypeStrings, Tags: []Tag{TagKernel, TagDerived}, Enum: pipeBufFlagNames,
			Description: "The names of the bits set in `buf_flags`, lowest bit first: LRU 0x01, ATOMIC 0x02, " +
				"GIFT 0x04, PACKET 0x08, CAN_MERGE 0x10, WHOLE 0x20, LOSS 0x40. Unknown bits are left out. " +
				"Empty when `buf_flags` is 0."},
	}
}
