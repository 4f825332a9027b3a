package forward

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// down answers 503 while the flag is set.
func down(flag *atomic.Bool) func(http.ResponseWriter, *http.Request, []byte) bool {
	return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if flag.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return true
		}
		return false
	}
}

// TestCloseIsBoundedAndResumes closes a forwarder whose receiver is down,
// then starts a new one on the same queue_dir that delivers everything.
func TestCloseIsBoundedAndResumes(t *testing.T) {
	const n = 100
	rc := newReceiver()
	var isDown atomic.Bool
	isDown.Store(true)
	rc.setFault(down(&isDown))
	srv := rc.start(t)
	qdir := t.TempDir()
	cfg := func() *Config {
		return &Config{QueueDir: qdir, Outputs: []OutputConfig{{Type: TypeWebhook, Name: "w", URL: srv.URL, Retry: fastRetry}}}
	}
	fw, err := New(context.Background(), cfg(), &Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		fw.Send(testFinding(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := fw.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Close took %v with a 300ms deadline", took)
	}
	fw.Send(testFinding(n)) // after Close: dropped, must not panic

	isDown.Store(false)
	_, reg := startForwarder(t, cfg())
	waitFor(t, 10*time.Second, "resumed delivery", func() bool { u, _ := rc.counts(); return u == n })
	waitFor(t, 5*time.Second, "delivered_total", func() bool { return counter(t, reg, "delivered_total") == n })
}

func TestWhenFull(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		reason string
	}{
		{"drop_oldest keeps the newest", PolicyDropOldest, "queue_full"},
		{"block drops after block_timeout", PolicyBlock, "block_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n, max = 60, 10
			rc := newReceiver()
			var isDown atomic.Bool
			isDown.Store(true)
			rc.setFault(down(&isDown))
			srv := rc.start(t)
			fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
				Type: TypeWebhook, Name: "w", URL: srv.URL, Retry: fastRetry,
				Queue: &QueueConfig{MaxFindings: max, WhenFull: tt.policy, BlockTimeout: 5 * time.Millisecond},
			}}})
			start := time.Now()
			for i := range n {
				fw.Send(testFinding(i))
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Send of %d findings to a full output took %v", n, took)
			}
			waitFor(t, 5*time.Second, "drops", func() bool {
				return counter(t, reg, "dropped_total", "reason", tt.reason) > 0 && counter(t, reg, "queue_depth") == max
			})
			isDown.Store(false)
			// Every finding is delivered or counted as dropped. Under
			// drop_oldest, one dropped while already in flight may also
			// arrive, so the sum can pass n, but never fall short.
			waitFor(t, 5*time.Second, "every finding delivered or counted as dropped", func() bool {
				u, _ := rc.counts()
				return float64(u)+counter(t, reg, "dropped_total") >= n && counter(t, reg, "queue_depth") == 0
			})
			unique, dups := rc.counts()
			t.Logf("%s: sent %d, arrived %d (%d duplicates), dropped %v", tt.policy, n, unique, dups,
				counter(t, reg, "dropped_total"))
			if tt.policy == PolicyDropOldest && rc.seen[testFinding(n-1).ID] == 0 {
				t.Error("drop_oldest lost the newest finding")
			}
		})
	}
}

// TestSlowSinkDoesNotStallOthers gives one output a receiver that takes a
// second per request; the other output still gets everything at once.
func TestSlowSinkDoesNotStallOthers(t *testing.T) {
	const n = 200
	slow, fast := newReceiver(), newReceiver()
	slow.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		time.Sleep(500 * time.Millisecond)
		return false
	})
	slowSrv, fastSrv := slow.start(t), fast.start(t)
	fw, _ := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{
		{Type: TypeWebhook, Name: "slow", URL: slowSrv.URL, Retry: fastRetry, Timeout: 5 * time.Second},
		{Type: TypeWebhook, Name: "fast", URL: fastSrv.URL, Retry: fastRetry},
	}})
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 3*time.Second, "the fast output", func() bool { u, _ := fast.counts(); return u == n })
	if u, _ := slow.counts(); u > 5 {
		t.Errorf("slow receiver got %d findings; the test did not make it slow", u)
	}
}

// TestSecretsNeverLogged runs outputs whose receivers refuse, capturing
// the logs, and looks for the secrets in them.
func TestSecretsNeverLogged(t *testing.T) {
	secrets := []string{"hmac-very-secret", "hec-token-secret", "es-password-secret"}
	t.Setenv("S_HMAC", secrets[0])
	t.Setenv("S_HEC", secrets[1])
	t.Setenv("S_ES", secrets[2])
	rc := newReceiver()
	rc.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		http.Error(w, "nope", http.StatusUnauthorized)
		return true
	})
	srv := rc.start(t)
	var logs syncBuffer
	fw, err := New(context.Background(), &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{
		{Type: TypeWebhook, URL: srv.URL, Secret: SecretRef{Env: "S_HMAC"}, Retry: fastRetry},
		{Type: TypeSplunk, URL: srv.URL, Token: TokenRef{Env: "S_HEC"}, Retry: fastRetry},
		{Type: TypeElasticsearch, URL: srv.URL, Index: "i", Username: "u", Password: PasswordRef{Env: "S_ES"}, Retry: fastRetry},
	}}, &Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	fw.Send(testFinding(1))
	waitFor(t, 5*time.Second, "failures to be logged", func() bool { return strings.Count(logs.String(), "delivery failed") >= 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	fw.Close(ctx)
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("secret %q appears in the logs", s)
		}
	}
	if !bytes.Contains([]byte(logs.String()), []byte("401")) {
		t.Errorf("logs do not say why delivery failed:\n%s", logs.String())
	}
}
