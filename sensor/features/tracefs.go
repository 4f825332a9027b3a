package features

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
)

// tracefsMounts are where cilium/ebpf looks for tracefs, in its order.
var tracefsMounts = [...]string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}

// syscallTracepoints are the syscall tracepoints the tracepoint mode uses.
var syscallTracepoints = [...]string{"vmsplice", "splice", "tee", "sendfile64"}

// findTracefs returns the first of tracefsMounts that mountinfo (the format
// of /proc/self/mountinfo) shows as a tracefs mount, or "".
func findTracefs(mountinfo io.Reader) (string, error) {
	mounted := map[string]bool{}
	sc := bufio.NewScanner(mountinfo)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		// id parent maj:min root mountpoint options [optional...] - fstype source superopts
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		f, fs := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(fs) < 1 || fs[0] != "tracefs" {
			continue
		}
		mounted[f[4]] = true
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read mountinfo: %w", err)
	}
	for _, m := range tracefsMounts {
		if mounted[m] {
			return m, nil
		}
	}
	return "", nil
}

// mountedTracefs reads the mount table for tracefs.
func mountedTracefs() (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("read mount table: %w", err)
	}
	defer f.Close()
	return findTracefs(f)
}

// probeTracefs finds the tracefs mount point; dir is "" when there is none.
func probeTracefs() (string, Check) {
	dir, err := mountedTracefs()
	if err == nil && dir == "" {
		// With debugfs mounted, looking into debug/tracing automounts tracefs.
		if _, serr := os.Stat(tracefsMounts[1] + "/events"); serr == nil {
			dir, err = mountedTracefs()
		}
	}
	if err != nil {
		return "", no(err.Error())
	}
	if dir == "" {
		if _, err := os.Stat(tracefsMounts[0]); err != nil {
			return "", no(fmt.Sprintf("tracefs not mounted and %s missing (kernel built without CONFIG_TRACING?)", tracefsMounts[0]))
		}
		return "", no(fmt.Sprintf("tracefs not mounted: run `mount -t tracefs nodev %s`", tracefsMounts[0]))
	}
	return dir, yes("mounted at " + dir)
}

// probeTracepoints reads the ids of the syscall tracepoints, then loads a
// trivial tracepoint program and attaches it to sys_enter_vmsplice.
func probeTracepoints(tracefs string) Check {
	if tracefs == "" {
		return no("needs tracefs, which is not mounted")
	}
	var ids []string
	for _, sc := range syscallTracepoints {
		for _, dir := range []string{"sys_enter_", "sys_exit_"} {
			p := filepath.Join(tracefs, "events", "syscalls", dir+sc, "id")
			b, err := os.ReadFile(p)
			if errors.Is(err, fs.ErrNotExist) {
				return no(fmt.Sprintf("%s missing: kernel built without CONFIG_FTRACE_SYSCALLS?", p))
			}
			if err != nil {
				return no(err.Error())
			}
			if _, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32); err != nil {
				return no(fmt.Sprintf("%s: bad id: %s", p, err))
			}
		}
		ids = append(ids, sc)
	}
	prog, err := trivialProgram(ebpf.TracePoint, "", 0, nil)
	if err != nil {
		return no("load tracepoint program: " + explain(err))
	}
	defer prog.Close()
	l, err := link.Tracepoint("syscalls", "sys_enter_vmsplice", prog, nil)
	if err != nil {
		return no("attach to syscalls/sys_enter_vmsplice: " + explain(err))
	}
	l.Close()
	return yes(fmt.Sprintf("syscalls/sys_{enter,exit}_{%s} present; program attached to sys_enter_vmsplice",
		strings.Join(ids, ",")))
}

// trivialProgram loads "return 0" as a program of type t.
func trivialProgram(t ebpf.ProgramType, attachTo string, at ebpf.AttachType, opts *ebpf.ProgramOptions) (*ebpf.Program, error) {
	spec := &ebpf.ProgramSpec{
		Name:         "splicewatch_prb",
		Type:         t,
		AttachType:   at,
		AttachTo:     attachTo,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	}
	if opts == nil {
		opts = &ebpf.ProgramOptions{}
	}
	return ebpf.NewProgramWithOptions(spec, *opts)
}
