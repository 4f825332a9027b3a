package forward

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/forward/format"
)

func TestWebhookFaults(t *testing.T) {
	const n = 20
	badID := testFinding(7).ID
	var retryAt atomic.Int64 // when the 429 asked to wait until
	tests := []struct {
		name  string
		fault func(calls int) func(w http.ResponseWriter, r *http.Request, body []byte) bool
		dead  int
		check func(t *testing.T, rc *receiver)
	}{
		{name: "500s", fault: firstCalls(5, func(w http.ResponseWriter) { http.Error(w, "boom", 500) })},
		{name: "429 Retry-After", fault: firstCalls(1, func(w http.ResponseWriter) {
			retryAt.Store(time.Now().Add(time.Second).UnixNano())
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}), check: func(t *testing.T, rc *receiver) {
			if first := rc.firstOK.Load(); first < retryAt.Load()-int64(50*time.Millisecond) {
				t.Errorf("retried %v before Retry-After allowed", time.Duration(retryAt.Load()-first))
			}
		}},
		{name: "timeouts", fault: firstCalls(2, func(w http.ResponseWriter) { time.Sleep(400 * time.Millisecond) })},
		{name: "connection resets", fault: firstCalls(3, resetConn)},
		{name: "400 for one message", dead: 1, fault: func(int) func(http.ResponseWriter, *http.Request, []byte) bool {
			return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				if r.Header.Get(FindingIDHeader) == badID {
					http.Error(w, "schema violation", http.StatusBadRequest)
					return true
				}
				return false
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver()
			var calls atomic.Int64
			f := tt.fault(0)
			rc.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				calls.Add(1)
				return f(w, r, body)
			})
			srv := rc.start(t)
			dir := t.TempDir()
			fw, reg := startForwarder(t, &Config{QueueDir: dir, Outputs: []OutputConfig{{
				Type: TypeWebhook, Name: "hook", URL: srv.URL, Retry: fastRetry, Timeout: 200 * time.Millisecond,
			}}})
			for i := range n {
				fw.Send(testFinding(i))
			}
			waitFor(t, 10*time.Second, "delivery", func() bool {
				u, _ := rc.counts()
				return u == n-tt.dead
			})
			waitFor(t, 5*time.Second, "dead letters", func() bool {
				return counter(t, reg, "dead_lettered_total") == float64(tt.dead)
			})
			if tt.dead > 0 {
				recs := readDeadLetters(t, filepath.Join(dir, "hook.dead.jsonl"))
				if len(recs) != 1 || !strings.Contains(recs[0].Reason, "400") || !strings.Contains(string(recs[0].Finding), badID) {
					t.Fatalf("dead letters = %+v, want the finding %s with an HTTP 400 reason", recs, badID)
				}
			} else if got := counter(t, reg, "retried_total"); got == 0 {
				t.Errorf("retried_total = 0 after injected faults")
			}
			waitFor(t, 5*time.Second, "delivered_total", func() bool {
				return counter(t, reg, "delivered_total") == float64(n-tt.dead)
			})
			if tt.check != nil {
				tt.check(t, rc)
			}
		})
	}
}

// firstCalls answers the first n requests with the fault.
func firstCalls(n int64, fault func(w http.ResponseWriter)) func(int) func(http.ResponseWriter, *http.Request, []byte) bool {
	return func(int) func(http.ResponseWriter, *http.Request, []byte) bool {
		var seen atomic.Int64
		return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
			if seen.Add(1) <= n {
				fault(w)
				return true
			}
			return false
		}
	}
}

func readDeadLetters(t *testing.T, path string) []deadRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []deadRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r deadRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("dead letter line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestWebhookSignatureAndFalcoFormat(t *testing.T) {
	t.Setenv("HOOK_SECRET", "s3cret")
	rc := newReceiver()
	var sigOK atomic.Bool
	rc.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		sigOK.Store(r.Header.Get(SignatureHeader) == Sign([]byte("s3cret"), body) && r.Header.Get("X-Team") == "soc")
		return false
	})
	rc.idOf = func(body []byte) []string {
		var p format.FalcoPayload
		json.Unmarshal(body, &p)
		id, _ := p.OutputFields["splicewatch.finding_id"].(string)
		return []string{id}
	}
	srv := rc.start(t)
	fw, _ := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeWebhook, URL: srv.URL, Format: "falcosidekick", Headers: map[string]string{"X-Team": "soc"},
		Secret: SecretRef{Env: "HOOK_SECRET"}, Retry: fastRetry,
	}}})
	f := testFinding(1)
	fw.Send(f)
	waitFor(t, 5*time.Second, "delivery", func() bool { u, _ := rc.counts(); return u == 1 })
	if !sigOK.Load() {
		t.Error("signature or custom header did not verify")
	}
	var p map[string]any
	if err := json.Unmarshal(rc.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"output", "priority", "rule", "time", "output_fields", "source", "tags", "hostname"} {
		if _, ok := p[k]; !ok {
			t.Errorf("falcosidekick payload lacks %q: %s", k, rc.bodies[0])
		}
	}
	if p["priority"] != "Error" || p["rule"] != f.Rule.Name || p["hostname"] != "node-1" {
		t.Errorf("payload = %s", rc.bodies[0])
	}
}
