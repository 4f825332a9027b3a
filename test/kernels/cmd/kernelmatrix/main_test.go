package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/test/kernels/internal/testenv"
)

// TestMatrix boots the Debian kernel for real, with the static busybox as the
// "test binary": each mode's run checks its own SPLICEWATCH_PROBE_MODE and
// the mounts /init promises, and the kprobe run fails on purpose.
func TestMatrix(t *testing.T) {
	testenv.RequireTools(t, "qemu-system-x86_64", "cpio", "busybox", "apt-get", "dpkg-deb")
	bb, _ := exec.LookPath("busybox")
	script := `test -d /sys/kernel/tracing/events/syscalls && grep -q bpf /sys/kernel/security/lsm &&
		grep -q " /sys/fs/bpf bpf " /proc/mounts && test -f /work/data/hello &&
		echo "mode is $SPLICEWATCH_PROBE_MODE, X is $X" && test "$SPLICEWATCH_PROBE_MODE" != kprobe`
	var stdout, stderr bytes.Buffer
	logs := t.TempDir()
	code := run(context.Background(), []string{
		"-binary", bb, "-modes", "fentry,kprobe,tracepoint", "-env", "X=it's a value",
		"-file", "testdata=data", "-logs", logs, "-timeout", "3m",
		"--", "sh", "-c", script,
	}, &stdout, &stderr)
	out := stdout.String()
	t.Logf("stdout:\n%s\nstderr:\n%s", out, stderr.String())
	if code != 1 {
		t.Errorf("exit code %d, want 1 (one mode fails on purpose)", code)
	}
	for _, want := range []string{
		`(?m)^PASS linux-image-\S+ mode=fentry exit=0 `,
		`(?m)^FAIL linux-image-\S+ mode=kprobe exit=1 `,
		`(?m)^PASS linux-image-\S+ mode=tracepoint exit=0 `,
		`(?m)^2 passed, 1 failed$`,
		`booted to /init in [0-9.]+m?s`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s", want)
		}
	}
	consoles, _ := filepath.Glob(filepath.Join(logs, "*.console.log"))
	if len(consoles) != 1 {
		t.Fatalf("want one console log, found %v", consoles)
	}
	console, err := os.ReadFile(consoles[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"fentry", "tracepoint"} {
		if want := "mode is " + m + ", X is it's a value"; !strings.Contains(string(console), want) {
			t.Errorf("console log lacks %q", want)
		}
	}
}

// TestTimeout checks that a hung run is killed, reported and failed.
func TestTimeout(t *testing.T) {
	testenv.RequireTools(t, "qemu-system-x86_64", "cpio", "busybox", "apt-get", "dpkg-deb")
	bb, _ := exec.LookPath("busybox")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{
		"-binary", bb, "-modes", "tracepoint", "-logs", t.TempDir(), "-timeout", "12s",
		"--", "sleep", "600",
	}, &stdout, &stderr)
	out := stdout.String()
	if code != 1 || !strings.Contains(out, "FAIL") || !strings.Contains(out, "timed out") {
		t.Errorf("exit code %d, output:\n%s\n%s", code, out, stderr.String())
	}
}

// TestBootPerMode boots once per mode; the runs of one boot must not see the
// /tmp of another.
func TestBootPerMode(t *testing.T) {
	testenv.RequireTools(t, "qemu-system-x86_64", "cpio", "busybox", "apt-get", "dpkg-deb")
	bb, _ := exec.LookPath("busybox")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{
		"-binary", bb, "-modes", "fentry,kprobe", "-boot-per-mode", "-logs", t.TempDir(), "-timeout", "2m",
		"--", "sh", "-c", "test ! -e /tmp/seen && touch /tmp/seen",
	}, &stdout, &stderr)
	out := stdout.String()
	if code != 0 || strings.Count(out, "booted to /init") != 2 || !strings.Contains(out, "2 passed, 0 failed") {
		t.Errorf("exit code %d, output:\n%s\n%s", code, out, stderr.String())
	}
}

func TestUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	tests := [][]string{
		{},                              // no -binary
		{"-binary", "main.go"},          // not an ELF
		{"-binary", "x", "-bogus-flag"}, // unknown flag
	}
	for _, args := range tests {
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}
