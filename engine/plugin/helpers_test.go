package plugin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
)

// Packages of the test plugins, built once per test run.
var pluginPackages = map[string]string{
	"example": "github.com/splicewatch/splicewatch/signatures/example/cmd/spw-example-plugin",
	"faulty":  "github.com/splicewatch/splicewatch/engine/plugin/testdata/faulty",
}

var built struct {
	sync.Mutex
	dir  string
	bins map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary builds the named test plugin (once) and returns its path.
func binary(t testing.TB, name string) string {
	t.Helper()
	built.Lock()
	defer built.Unlock()
	if p, ok := built.bins[name]; ok {
		return p
	}
	if built.dir == "" {
		dir, err := os.MkdirTemp("", "spw-plugin-bin-")
		if err != nil {
			t.Fatal(err)
		}
		built.dir, built.bins = dir, map[string]string{}
	}
	out := filepath.Join(built.dir, name)
	cmd := exec.Command("go", "build", "-o", out, pluginPackages[name])
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build plugin %s: %v\n%s", name, err, b)
	}
	built.bins[name] = out
	return out
}

// pluginDir returns a fresh plugin folder (mode 0755, reachable by the
// unprivileged plugin user) holding copies of the named plugins.
func pluginDir(t testing.TB, names ...string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "spw-plugins-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := os.ReadFile(binary(t, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// allowAll returns allow-list entries with the real checksums of the
// plugins in dir.
func allowAll(t testing.TB, dir string, names ...string) []Allowed {
	t.Helper()
	var out []Allowed
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out = append(out, Allowed{Name: n, SHA256: hex.EncodeToString(sum[:])})
	}
	return out
}

// host is a loaded set of plugins behind a real engine.
type host struct {
	eng  *engine.Engine
	dets []engine.Detector
	reg  *prometheus.Registry
	logs *syncBuffer

	mu       sync.Mutex
	findings []*event.Finding
}

// load loads the plugins of cfg into an engine with fast restarts.
func load(t testing.TB, cfg *Config) *host {
	t.Helper()
	h := &host{reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, nil))
	dets, err := Load(context.Background(), cfg, &Options{
		Logger: log, Registerer: h.reg, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	h.dets = dets
	h.eng = engine.New(&engine.Options{Logger: log})
	h.eng.Add(dets...)
	t.Cleanup(func() {
		if err := h.eng.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if t.Failed() {
			t.Logf("host log:\n%s", h.logs)
		}
	})
	return h
}

// send evaluates ev through the engine, collecting findings.
func (h *host) send(ev *event.Event) {
	h.eng.Evaluate(context.Background(), ev, func(f *event.Finding) {
		h.mu.Lock()
		h.findings = append(h.findings, f)
		h.mu.Unlock()
	})
}

// flush waits until every plugin answered what it was sent.
func (h *host) flush(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.eng.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// found returns the findings of rule so far.
func (h *host) found(rule string) []*event.Finding {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*event.Finding
	for _, f := range h.findings {
		if f.Rule.ID == rule {
			out = append(out, f)
		}
	}
	return out
}

// counter reads a plugin metric.
func (h *host) counter(name string, labels ...string) float64 {
	mfs, _ := h.reg.Gather()
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "splicewatch_plugin_"+name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				ok := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						ok = true
					}
				}
				if !ok {
					continue metric
				}
			}
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testEvent returns a "test" event for the faulty plugin.
func testEvent(action string) *event.Event {
	return &event.Event{
		Name: "test", Time: time.Unix(1700000000, 0).UTC(), Host: "h",
		Process: event.Process{PID: 42, Comm: "t"},
		Args:    args(map[string]any{"action": action}),
	}
}

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

// args builds event arguments from a map, in name order.
func args(m map[string]any) event.Args { return event.Normalize(m).(event.Args) }
