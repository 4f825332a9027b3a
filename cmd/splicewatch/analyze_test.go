package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

func recordedEvents(t *testing.T) string {
	t.Helper()
	var lines []string
	for i, ret := range []int64{-32, 0, -32} {
		ev := &event.Event{Name: "vmsplice", Time: time.Unix(1795694400, int64(i)).UTC(),
			Process: event.Process{PID: 10, TID: 10, Comm: "x"}, Args: event.Args{}, Ret: ret}
		ev.Args.Set("fd", 4)
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	lines = append(lines, `{"name": 5}`)
	return strings.Join(lines, "\n") + "\n"
}

func TestAnalyzeCmd(t *testing.T) {
	events := recordedEvents(t)
	file := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(file, []byte(events), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"file", "", []string{"--input", file}},
		{"stdin", events, []string{"--input", "-"}},
		{"config file", "", []string{"--input", file, "--config", cfgFile(t)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := executeCmd(t, newAnalyzeCmd(nil), tc.stdin, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 {
				t.Fatalf("findings:\n%s", out)
			}
			for _, l := range lines {
				f, err := event.DecodeFinding([]byte(l))
				if err != nil || f.Rule.ID != "SPW-010" {
					t.Fatalf("finding %s: %v", l, err)
				}
			}
			if !strings.Contains(stderr, "events read: 3\nlines rejected: 1\nfindings: 2\n  SPW-010") {
				t.Fatalf("summary: %q", stderr)
			}
		})
	}
	if _, _, code := executeCmd(t, newAnalyzeCmd(nil), "", "--input", file, "--input-format", "falco"); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if _, _, code := executeCmd(t, newAnalyzeCmd(nil), "", "--input", filepath.Join(t.TempDir(), "none")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
}

func TestAnalyzeCmdTracee(t *testing.T) {
	line := `{"timestamp":1795694400000000000,"processId":7,"threadId":7,"processName":"p","hostName":"h","eventName":"vmsplice","returnValue":-14,` +
		`"args":[{"name":"fd","type":"int","value":3},{"name":"nr_segs","type":"unsigned long","value":1}]}` + "\n"
	out, stderr, code := executeCmd(t, newAnalyzeCmd(nil), line, "--input", "-", "--input-format", "tracee",
		"--no-default-rules", "--rules", filepath.Join("..", "..", "docs", "examples", "tracee"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := event.DecodeFinding([]byte(strings.TrimSpace(out)))
	if err != nil || f.Rule.ID != "EXAMPLE-TRC-1" || f.Data["process"] != "p" || f.Data["fd"] != int64(3) {
		t.Fatalf("finding %s: %v", out, err)
	}
}

// cfgFile writes a configuration that only sets a rule setting.
func cfgFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "splicewatch.yaml")
	if err := os.WriteFile(p, []byte("rules:\n  config:\n    unused: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
