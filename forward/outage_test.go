package forward

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestOutage sends 10,000 findings while the receiver is down (connection
// refused), brings it back with a flapping network (every 500th request is
// processed but its response is lost to a connection reset) and expects all
// 10,000 to arrive. Duplicates are exactly the lost acknowledgements.
func TestOutage(t *testing.T) {
	const n = 10000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // down: nothing listens on addr

	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeWebhook, Name: "siem", URL: "http://" + addr + "/alerts",
		Retry: &RetryConfig{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond},
	}}})
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 20*time.Second, "all findings queued while down", func() bool {
		return counter(t, reg, "queue_depth") == n && counter(t, reg, "retried_total") > 0
	})

	rc := newReceiver()
	var reqs, lostAcks atomic.Int64
	rc.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if reqs.Add(1)%500 != 0 {
			return false
		}
		lostAcks.Add(1)
		rc.mu.Lock()
		for _, id := range rc.idOf(body) {
			rc.seen[id]++ // the receiver got it; the sender never hears so
		}
		rc.mu.Unlock()
		resetConn(w)
		return true
	})
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("receiver cannot come back on %s: %v", addr, err)
	}
	srv := &http.Server{Handler: rc}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	waitFor(t, 60*time.Second, "all findings delivered after the outage", func() bool {
		u, _ := rc.counts()
		return u == n
	})
	waitFor(t, 5*time.Second, "queue to empty", func() bool { return counter(t, reg, "queue_depth") == 0 })
	unique, dups := rc.counts()
	t.Logf("outage: %d findings sent, %d arrived, %d duplicates (lost acknowledgements: %d), retried %v, dropped %v",
		n, unique, dups, lostAcks.Load(), counter(t, reg, "retried_total"), counter(t, reg, "dropped_total"))
	if int64(dups) != lostAcks.Load() {
		t.Errorf("duplicates = %d, want exactly the %d lost acknowledgements", dups, lostAcks.Load())
	}
	if d := counter(t, reg, "dropped_total"); d != 0 {
		t.Errorf("dropped_total = %v, want 0", d)
	}
}
