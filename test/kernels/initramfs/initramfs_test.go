package initramfs

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/test/kernels/internal/testenv"
)

func TestScriptRejects(t *testing.T) {
	ok := []Run{{Name: "fentry"}}
	tests := []struct {
		name  string
		token string
		runs  []Run
	}{
		{"empty token", "", ok},
		{"token with space", "a b", ok},
		{"no runs", "tok", nil},
		{"run name with shell", "tok", []Run{{Name: "x;reboot"}}},
		{"duplicate run", "tok", []Run{{Name: "a"}, {Name: "a"}}},
		{"env without =", "tok", []Run{{Name: "a", Env: []string{"FOO"}}}},
		{"env key with shell", "tok", []Run{{Name: "a", Env: []string{"A$(id)=1"}}}},
	}
	for _, tt := range tests {
		if _, err := Script("/work/x", tt.token, tt.runs); err == nil {
			t.Errorf("%s: Script accepted it", tt.name)
		}
	}
}

// TestQuote runs quoted words through a real shell.
func TestQuote(t *testing.T) {
	testenv.RequireTools(t, "sh")
	for _, s := range []string{"plain", "", "it's", `"$(reboot)"`, "a b\tc\nd", `\'\\`, "-test.run=^TestX$"} {
		out, err := exec.Command("sh", "-c", "printf %s "+quote(s)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if string(out) != s {
			t.Errorf("quote(%q) came back as %q", s, out)
		}
	}
}

func TestCheckStatic(t *testing.T) {
	testenv.RequireTools(t, "busybox")
	bb, _ := exec.LookPath("busybox")
	if err := CheckStatic(bb); err != nil {
		t.Errorf("busybox-static: %v", err)
	}
	ls, _ := exec.LookPath("ls")
	if err := CheckStatic(ls); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Errorf("CheckStatic(%s) = %v, want a dynamically linked error", ls, err)
	}
	if err := CheckStatic("initramfs_test.go"); err == nil {
		t.Error("a Go source file passed CheckStatic")
	}
}

func TestBuild(t *testing.T) {
	testenv.RequireTools(t, "cpio", "busybox")
	bb, _ := exec.LookPath("busybox")
	dir := t.TempDir()
	data := filepath.Join(dir, "testdata")
	if err := os.MkdirAll(filepath.Join(data, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "sub", "x.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := &Spec{Binary: bb, Token: "tok1", Files: map[string]string{data: "testdata"},
		Runs: []Run{{Name: "kprobe", Env: []string{"SPLICEWATCH_PROBE_MODE=kprobe"}, Args: []string{"-test.v"}}}}
	out := filepath.Join(dir, "initramfs.gz")
	if err := Build(context.Background(), spec, out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("initramfs is not gzip: %v", err)
	}
	var list bytes.Buffer
	cmd := exec.Command("cpio", "-it", "--quiet")
	cmd.Stdin, cmd.Stdout = zr, &list
	if err := cmd.Run(); err != nil {
		t.Fatalf("cpio -it: %v", err)
	}
	names := strings.Fields(list.String())
	for _, want := range []string{"init", "bin/busybox", "work/busybox", "work/testdata/sub/x.json", "proc", "sys", "dev"} {
		if !slices.Contains(names, want) {
			t.Errorf("archive lacks %s: %v", want, names)
		}
	}

	spec.Files = map[string]string{data: "../etc"}
	if err := Build(context.Background(), spec, out); err == nil {
		t.Error("Build accepted a file destination outside /work")
	}
}
