package forward

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/event"
)

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestStdoutDefault(t *testing.T) {
	var out syncBuffer
	fw, err := New(context.Background(), nil, &Options{Stdout: &out, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := testFinding(3)
	fw.Send(want)
	if err := fw.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := event.DecodeFinding(bytes.TrimSpace([]byte(out.String())))
	if err != nil {
		t.Fatalf("stdout is not one JSON finding: %v: %q", err, out.String())
	}
	if got.ID != want.ID || func() bool { v, _ := got.Event.Args.Uint("iov_addr"); return v != 0xffffffffff600000 }() {
		t.Errorf("got %+v", got)
	}
}

func TestFileRotationAndFilters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "findings.jsonl")
	fw, reg := startForwarder(t, &Config{Outputs: []OutputConfig{
		{Type: TypeFile, Name: "all", Path: path, MaxSizeMB: 1, MaxBackups: 3},
		{Type: TypeFile, Name: "critical", Path: filepath.Join(dir, "crit.jsonl"), MinSeverity: "critical"},
		{Type: TypeFile, Name: "other-rules", Path: filepath.Join(dir, "other.jsonl"), Rules: []string{"SPW-9*"}},
	}})
	line, _ := json.Marshal(testFinding(0))
	n := 2600*1024/(len(line)+1) + 1 // about 2.5 MiB: two rotations at 1 MiB
	for i := range n {
		fw.Send(testFinding(i))
	}
	crit := testFinding(n)
	crit.Rule.Severity = event.SeverityCritical
	fw.Send(crit)
	waitFor(t, 10*time.Second, "file writes", func() bool {
		return counter(t, reg, "delivered_total", "output", "all") == float64(n+1)
	})
	files, _ := filepath.Glob(filepath.Join(dir, "findings*.jsonl"))
	if len(files) < 3 {
		t.Errorf("files = %v, want the live file and at least two rotated ones", files)
	}
	lines := 0
	for _, f := range files {
		lines += countJSONLines(t, f)
	}
	if lines != n+1 {
		t.Errorf("%d lines across rotated files, want %d", lines, n+1)
	}
	waitFor(t, 5*time.Second, "critical output", func() bool {
		return counter(t, reg, "delivered_total", "output", "critical") == 1
	})
	if got := counter(t, reg, "delivered_total", "output", "other-rules"); got != 0 {
		t.Errorf("rule filter let %v findings through", got)
	}
}

func countJSONLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("%s: invalid JSON line %q", path, sc.Text())
		}
		n++
	}
	return n
}

func TestMetricsRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	cfg := &Config{Outputs: []OutputConfig{{Type: TypeStdout}}}
	fw, err := New(context.Background(), cfg, &Options{Registerer: reg, Stdout: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close(context.Background())
	if _, err := New(context.Background(), cfg, &Options{Registerer: reg}); err == nil {
		t.Error("a second forwarder on the same registry did not report the conflict")
	}
}
