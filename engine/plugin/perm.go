package plugin

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// checkPath refuses a folder or binary another user could modify: it must be
// owned by root or the running user and not be writable by group or others.
// A binary must be a regular file; symbolic links are refused so the checked
// file is the one that runs.
func checkPath(path string, dir bool) error {
	var fi os.FileInfo
	var err error
	if dir {
		fi, err = os.Stat(path)
	} else {
		fi, err = os.Lstat(path)
	}
	if err != nil {
		return fmt.Errorf("check plugin path: %w", err)
	}
	switch {
	case dir && !fi.IsDir():
		return fmt.Errorf("%s is not a folder: %w", path, ErrUnsafePath)
	case !dir && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (symbolic links are refused): %w", path, ErrUnsafePath)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("%s is writable by group or others (mode %04o; run chmod go-w): %w", path, perm, ErrUnsafePath)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%s: no owner information: %w", path, ErrUnsafePath)
	}
	if me := os.Geteuid(); st.Uid != 0 && int(st.Uid) != me {
		return fmt.Errorf("%s is owned by uid %d, not by root or the running user (uid %d): %w", path, st.Uid, me, ErrUnsafePath)
	}
	return nil
}

// procAttr returns the process attributes plugins start with. As root, they
// switch to the unprivileged account name, with no supplementary groups;
// the kernel clears the permitted, effective and ambient capability sets on
// that switch. Otherwise they keep the running user. Either way they are
// killed if splicewatch dies.
func procAttr(name string) (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() != 0 {
		return attr, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("plugins user: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("plugins user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("plugins user %s: gid %q: %w", name, u.Gid, err)
	}
	if uid == 0 || gid == 0 {
		return nil, fmt.Errorf("plugins user %s has uid or gid 0: plugins never run as root", name)
	}
	attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	attr.AmbientCaps = nil
	return attr, nil
}
