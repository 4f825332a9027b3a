package forward

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// hecServer imitates Splunk's HTTP Event Collector: token check, events
// concatenated as JSON objects, "invalid-event-number" for a bad event,
// a busy first request, and indexer acknowledgement that confirms an ackId
// on the second poll.
type hecServer struct {
	mu      sync.Mutex
	token   string
	badID   string
	seen    map[string]int
	fields  []map[string]any
	nextAck int64
	polled  map[int64]int
	busy    int
	channel bool
}

func (h *hecServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	reply := func(status int, v any) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	if r.Header.Get("Authorization") != "Splunk "+h.token {
		reply(401, map[string]any{"text": "Invalid token", "code": 4})
		return
	}
	if !uuidPattern.MatchString(r.Header.Get("X-Splunk-Request-Channel")) {
		reply(400, map[string]any{"text": "Data channel is missing", "code": 10})
		return
	}
	h.channel = true
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/services/collector/ack":
		var req struct{ Acks []int64 }
		json.Unmarshal(body, &req)
		acks := map[string]bool{}
		for _, id := range req.Acks {
			h.polled[id]++
			acks[fmt.Sprint(id)] = h.polled[id] > 1
		}
		reply(200, map[string]any{"acks": acks})
		return
	case "/services/collector/event":
	default:
		reply(404, map[string]any{"text": "not found", "code": 404})
		return
	}
	if h.busy > 0 {
		h.busy--
		reply(503, map[string]any{"text": "Server is busy", "code": 9})
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for k := 0; dec.More(); k++ {
		var ev struct {
			Time       float64 `json:"time"`
			Host       string  `json:"host"`
			Sourcetype string  `json:"sourcetype"`
			Index      string  `json:"index"`
			Event      struct {
				ID string `json:"id"`
			} `json:"event"`
		}
		if err := dec.Decode(&ev); err != nil {
			reply(400, map[string]any{"text": "Invalid data format", "code": 6, "invalid-event-number": k})
			return
		}
		if ev.Event.ID == h.badID {
			reply(400, map[string]any{"text": "Invalid data format", "code": 6, "invalid-event-number": k})
			return
		}
		h.seen[ev.Event.ID]++
		h.fields = append(h.fields, map[string]any{"host": ev.Host, "sourcetype": ev.Sourcetype, "index": ev.Index, "time": ev.Time})
	}
	h.nextAck++
	reply(200, map[string]any{"text": "Success", "code": 0, "ackId": h.nextAck})
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSplunkHEC(t *testing.T) {
	const n = 300
	t.Setenv("HEC_TOKEN", "0000-hec")
	hec := &hecServer{token: "0000-hec", badID: testFinding(150).ID, seen: map[string]int{},
		polled: map[int64]int{}, busy: 2}
	srv := httptest.NewServer(hec)
	t.Cleanup(srv.Close)
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeSplunk, URL: srv.URL, Token: TokenRef{Env: "HEC_TOKEN"}, Index: "security",
		Ack: true, BatchSize: 100, Retry: fastRetry,
	}}})
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 20*time.Second, "delivery", func() bool {
		return counter(t, reg, "delivered_total") == n-1 && counter(t, reg, "dead_lettered_total") == 1
	})
	hec.mu.Lock()
	defer hec.mu.Unlock()
	dups := 0
	for _, c := range hec.seen {
		dups += c - 1
	}
	t.Logf("splunk: %d indexed, %d duplicates, %d ack polls", len(hec.seen), dups, len(hec.polled))
	if len(hec.seen) != n-1 || dups != 0 {
		t.Errorf("indexed %d distinct (want %d), %d duplicates (want 0)", len(hec.seen), n-1, dups)
	}
	if f := hec.fields[0]; f["index"] != "security" || f["sourcetype"] != "splicewatch:finding" || f["host"] != "node-1" {
		t.Errorf("HEC envelope = %v", f)
	}
	if counter(t, reg, "retried_total") == 0 {
		t.Error("503 Server is busy was not retried")
	}
}

func TestSplunkWrongTokenKeepsFindings(t *testing.T) {
	hec := &hecServer{token: "right", seen: map[string]int{}, polled: map[int64]int{}}
	srv := httptest.NewServer(hec)
	t.Cleanup(srv.Close)
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeSplunk, URL: srv.URL + "/services/collector/event", Token: TokenRef{Value: "wrong"}, Retry: fastRetry,
	}}})
	fw.Send(testFinding(1))
	waitFor(t, 5*time.Second, "retries", func() bool { return counter(t, reg, "retried_total") >= 3 })
	if d := counter(t, reg, "dead_lettered_total"); d != 0 || counter(t, reg, "queue_depth") != 1 {
		t.Errorf("a wrong token dead-lettered %v findings; they must stay queued", d)
	}
	if strings.Contains(fmt.Sprint(hec.fields), "wrong") {
		t.Error("token leaked")
	}
}
