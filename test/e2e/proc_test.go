package e2e

import (
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

// TestShortLivedProcess checks the process table: a process that makes one
// call and exits at once still gets its executable, and its exit is an
// event.
func TestShortLivedProcess(t *testing.T) {
	p := startPipeline(t, nil)
	bin := copyExecutable(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), childEnv+"=vmsplice")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("child: %v", err)
	}
	pid := uint32(cmd.Process.Pid)
	p.waitFor(t, "the child's vmsplice and exit", func([]*event.Event) bool {
		return p.find(func(ev *event.Event) bool { return ev.Name == event.NameVmsplice && ev.Process.PID == pid }) != nil &&
			p.find(func(ev *event.Event) bool { return ev.Name == event.NameProcessExit && ev.Process.PID == pid }) != nil
	})
	vm := p.find(func(ev *event.Event) bool { return ev.Name == event.NameVmsplice && ev.Process.PID == pid })
	if vm.Process.Exe != bin {
		t.Errorf("exe %q, want %q", vm.Process.Exe, bin)
	}
	exit := p.find(func(ev *event.Event) bool { return ev.Name == event.NameProcessExit && ev.Process.PID == pid })
	if code, _ := exit.Args.Int("exit_code"); code != 3<<8 {
		t.Errorf("exit_code %#x, want %#x (wait status of exit(3))", code, 3<<8)
	}
	exec := p.find(func(ev *event.Event) bool { return ev.Name == event.NameProcessExec && ev.Process.PID == pid })
	if exec == nil {
		t.Fatal("no process_exec event for the child")
	}
	if name, _ := exec.Args.String("filename"); name != bin {
		t.Errorf("exec filename %q, want %q", name, bin)
	}
}
