package sensor

import (
	"fmt"
	"os"
	"strconv"

	"github.com/splicewatch/splicewatch/event"
)

type rawProc = tracepointSwProc

const (
	kindProcExec = uint32(tracepointSwKindSW_KIND_PROC_EXEC)
	kindProcExit = uint32(tracepointSwKindSW_KIND_PROC_EXIT)
)

func decodeProcExec(raw []byte, clk monoClock, _ *decodeMem) (*event.Event, error) {
	r, err := castRecord[rawProc](raw)
	if err != nil {
		return nil, fmt.Errorf("decode process_exec: %w", err)
	}
	ev := newEvent(event.NameProcessExec, &r.H, 2, clk)
	ev.Args.Add("filename", cString(r.Filename[:]))
	if r.OldPid != r.H.Pid {
		ev.Args.AddUint("old_pid", uint64(r.OldPid))
	}
	return ev, nil
}

func decodeProcExit(raw []byte, clk monoClock, _ *decodeMem) (*event.Event, error) {
	r, err := castPrefix[rawProc](raw, 0)
	if err != nil {
		return nil, fmt.Errorf("decode process_exit: %w", err)
	}
	ev := newEvent(event.NameProcessExit, &r.H, 1, clk)
	ev.Args.AddInt("exit_code", int64(r.ExitCode))
	return ev, nil
}

// procTable remembers the executable of each process, fed by exec and exit
// events so that a process that is gone by the time its events are decoded
// still has one. A process never seen executing is looked up in /proc, then
// inherits its parent's executable (a fork runs the parent's program). It
// is bounded: when full, it starts over. Only Run's goroutine uses it, once
// per event, so it takes no lock.
type procTable struct {
	max int
	exe map[uint32]string
}

func newProcTable(max int) *procTable {
	return &procTable{max: max, exe: make(map[uint32]string)}
}

// observe updates the table from a lifecycle event.
func (t *procTable) observe(ev *event.Event) {
	switch ev.Name {
	case event.NameProcessExec:
		name, _ := ev.Args.String("filename")
		t.set(ev.Process.PID, t.resolve(ev.Process.PID, name))
	case event.NameProcessExit:
		delete(t.exe, ev.Process.PID)
	}
}

// resolve prefers the kernel's canonical path of a live process over the
// name given to execve, which may be relative.
func (t *procTable) resolve(pid uint32, name string) string {
	if exe, err := os.Readlink("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/exe"); err == nil {
		return exe
	}
	return name
}

func (t *procTable) set(pid uint32, exe string) {
	if len(t.exe) >= t.max {
		clear(t.exe)
	}
	t.exe[pid] = exe
}

// lookup returns pid's executable.
func (t *procTable) lookup(pid, ppid uint32) string {
	if exe, ok := t.exe[pid]; ok {
		return exe
	}
	exe, err := os.Readlink("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/exe")
	if err != nil {
		exe = t.exe[ppid] // a fork that exited before we looked
	}
	t.set(pid, exe)
	return exe
}
