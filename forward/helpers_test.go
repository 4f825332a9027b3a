package forward

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/event"
)

// testFinding returns the i-th of a series of distinct findings.
func testFinding(i int) *event.Finding {
	ev := &event.Event{
		Name: event.NameVmsplice,
		Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(i) * time.Microsecond),
		Host: "node-1",
		Process: event.Process{PID: uint32(1000 + i%50), TID: uint32(1000 + i), UID: 1000,
			Comm: "exploit|=\\x", Exe: "/tmp/exploit"},
		Args: event.Args{{Name: "iov_addr", Value: uint64(0xffffffffff600000)}, {Name: "nr_segs", Value: int64(1)}},
		Ret:  -14,
	}
	rule := event.Rule{ID: "SPW-001", Name: "Kernel address in vmsplice iovec",
		Severity: event.SeverityHigh, Description: "iov_base points into kernel space", Tags: []string{"privilege-escalation"},
		MITRE: []string{"T1068"}, Version: "1.0.0"}
	return event.NewFinding(rule, ev, map[string]any{"n": int64(i)})
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fastRetry keeps tests quick.
var fastRetry = &RetryConfig{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond}

// startForwarder starts a forwarder and closes it at the end of the test.
func startForwarder(t testing.TB, cfg *Config) (*Forwarder, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	fw, err := New(context.Background(), cfg, &Options{Logger: testLogger(t), Registerer: reg, Version: "test"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		fw.Close(ctx)
	})
	return fw, reg
}

// counter reads one labelled series of a forward metric.
// t may be nil outside a test (in the crash test's child).
func counter(t testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		panic(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "splicewatch_forward_"+name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.GetCounter() != nil:
				total += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				total += m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				total += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return total
}

// receiver is an HTTP endpoint that records the finding ids it accepted.
// fault, when set, may answer a request instead (return true).
type receiver struct {
	mu       sync.Mutex
	seen     map[string]int
	bodies   [][]byte
	requests int
	fault    func(w http.ResponseWriter, r *http.Request, body []byte) bool
	firstOK  atomic.Int64 // unix nanoseconds of the first accepted request
	idOf     func(body []byte) []string
}

func newReceiver() *receiver {
	return &receiver{seen: map[string]int{}, idOf: func(body []byte) []string {
		var f struct {
			ID string `json:"id"`
		}
		json.Unmarshal(body, &f)
		return []string{f.ID}
	}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.requests++
	fault := rc.fault
	rc.mu.Unlock()
	if fault != nil && fault(w, r, body) {
		return
	}
	rc.mu.Lock()
	for _, id := range rc.idOf(body) {
		rc.seen[id]++
	}
	rc.bodies = append(rc.bodies, body)
	rc.mu.Unlock()
	rc.firstOK.CompareAndSwap(0, time.Now().UnixNano())
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) setFault(f func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	rc.mu.Lock()
	rc.fault = f
	rc.mu.Unlock()
}

// counts returns distinct ids and duplicate deliveries.
func (rc *receiver) counts() (unique, dups int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, n := range rc.seen {
		unique++
		dups += n - 1
	}
	return unique, dups
}

func (rc *receiver) start(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// resetConn closes the client connection without a response.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	c, _, err := hj.Hijack()
	if err == nil {
		if tc, ok := c.(interface{ SetLinger(int) error }); ok {
			tc.SetLinger(0)
		}
		c.Close()
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
