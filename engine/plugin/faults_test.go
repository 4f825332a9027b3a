package plugin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

var gift = &event.Event{Name: event.NameVmsplice, Process: event.Process{PID: 1}, Args: args(map[string]any{"flags": int64(8)})}

// recovers sends ok events until the faulty plugin answers one again.
func recovers(t *testing.T, h *host) {
	t.Helper()
	eventually(t, "the restarted plugin to answer", 10*time.Second, func() bool {
		h.send(testEvent("ok"))
		time.Sleep(20 * time.Millisecond)
		for _, f := range h.found("TEST-FAULTY") {
			if f.Data["ok"] == true {
				return true
			}
		}
		return false
	})
}

func TestCrashedPluginRestarts(t *testing.T) {
	dir := pluginDir(t, "faulty", "example")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty", "example")})
	h.send(testEvent("crash"))
	eventually(t, "a crash fault", 5*time.Second, func() bool { return h.counter("faults_total", "fault", "crash") >= 1 })
	// The other plugin is unaffected.
	h.send(gift)
	h.flush(t)
	if n := len(h.found("EX-001")); n != 1 {
		t.Errorf("example plugin gave %d findings during the crash, want 1", n)
	}
	recovers(t, h)
	if n := h.counter("restarts_total", "plugin", "faulty"); n < 1 {
		t.Errorf("restarts_total = %v", n)
	}
	if h.counter("events_dropped_total", "plugin", "faulty") < 1 {
		t.Error("the crashing event was not counted as dropped")
	}
	if !strings.Contains(h.logs.String(), "fault=crash") {
		t.Errorf("crash not logged:\n%s", h.logs)
	}
}

func TestHungPluginKilled(t *testing.T) {
	dir := pluginDir(t, "faulty")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty"), Timeout: 300 * time.Millisecond})
	hung := pidsOf(t, filepath.Join(dir, "faulty"))
	if len(hung) != 1 {
		t.Fatalf("found plugin processes %v, want one", hung)
	}
	h.send(testEvent("hang"))
	eventually(t, "a hang fault", 5*time.Second, func() bool { return h.counter("faults_total", "fault", "hang") >= 1 })
	recovers(t, h)
	now := pidsOf(t, filepath.Join(dir, "faulty"))
	if len(now) != 1 || now[0] == hung[0] {
		t.Errorf("plugin processes %v after the hang, want one other than %d", now, hung[0])
	}
	if n := h.counter("restarts_total"); n < 1 {
		t.Errorf("restarts_total = %v", n)
	}
}

func TestMalformedFindingsRejected(t *testing.T) {
	dir := pluginDir(t, "faulty")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")})
	h.send(testEvent("malformed"))
	h.flush(t)
	got := h.found("TEST-FAULTY")
	if len(got) != 1 || got[0].Data["ok"] != true {
		t.Fatalf("got findings %+v, want only the well-formed one", got)
	}
	if n := h.counter("faults_total", "fault", "malformed"); n != 3 {
		t.Errorf("malformed faults = %v, want 3", n)
	}
	if n := h.counter("restarts_total"); n != 0 {
		t.Errorf("a malformed finding restarted the plugin (%v restarts)", n)
	}
}

func TestFindingFloodLimited(t *testing.T) {
	dir := pluginDir(t, "faulty")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty"), FindingsPerSecond: 10, FindingsBurst: 20})
	h.send(testEvent("flood"))
	h.flush(t)
	n := len(h.found("TEST-FAULTY"))
	if n < 20 || n > 25 {
		t.Errorf("%d of 1000 flood findings got through, want about the burst of 20", n)
	}
	if f := h.counter("faults_total", "fault", "flood"); int(f)+n != 1000 {
		t.Errorf("flood faults %v + accepted %d != 1000", f, n)
	}
}

func TestLoadRefuses(t *testing.T) {
	wrong := strings.Repeat("ab", 32)
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) *Config
		want  error
	}{
		{"bad checksum", func(t *testing.T, dir string) *Config {
			return &Config{Dir: dir, Allow: []Allowed{{Name: "faulty", SHA256: wrong}}}
		}, ErrChecksum},
		{"not on the allow list", func(t *testing.T, dir string) *Config {
			return &Config{Dir: dir}
		}, ErrNotAllowed},
		{"folder writable by others", func(t *testing.T, dir string) *Config {
			chmod(t, dir, 0o777)
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
		{"folder writable by group", func(t *testing.T, dir string) *Config {
			chmod(t, dir, 0o775)
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
		{"binary writable by others", func(t *testing.T, dir string) *Config {
			chmod(t, filepath.Join(dir, "faulty"), 0o757)
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
		{"binary is a symlink", func(t *testing.T, dir string) *Config {
			if err := os.Symlink(binary(t, "faulty"), filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
		{"binary owned by another user", func(t *testing.T, dir string) *Config {
			requireRoot(t)
			if err := os.Chown(filepath.Join(dir, "faulty"), 12345, 12345); err != nil {
				t.Fatal(err)
			}
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
		{"folder owned by another user", func(t *testing.T, dir string) *Config {
			requireRoot(t)
			if err := os.Chown(dir, 12345, 12345); err != nil {
				t.Fatal(err)
			}
			return &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")}
		}, ErrUnsafePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := pluginDir(t, "faulty")
			cfg := tt.setup(t, dir)
			dets, err := Load(context.Background(), cfg, nil)
			if !errors.Is(err, tt.want) {
				for _, d := range dets {
					d.(*Detector).Close()
				}
				t.Fatalf("Load: %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the path", err)
			}
		})
	}
}

func TestUnverifiedPluginAllowedWithWarning(t *testing.T) {
	dir := pluginDir(t, "faulty")
	h := load(t, &Config{Dir: dir, AllowUnverified: true})
	if !strings.Contains(h.logs.String(), "not on the allow list") {
		t.Errorf("no warning logged:\n%s", h.logs)
	}
	h.send(testEvent("ok"))
	h.flush(t)
	if len(h.found("TEST-FAULTY")) != 1 {
		t.Error("unverified plugin did not run")
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// requireRoot skips a test that needs root, unless running in CI, where
// it fails instead.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("this test needs root (chown to another user); CI must run it as root")
	}
	t.Skip("needs root to chown files to another user")
}

// pidsOf lists the running processes executing path.
func pidsOf(t *testing.T, path string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			pids = append(pids, pid)
		}
	}
	return pids
}
