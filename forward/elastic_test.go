package forward

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// bulkServer imitates Elasticsearch's _bulk endpoint with "create"
// semantics: a second create of an _id gets 409. The first request answers
// 429 for every other item, starting with the first; one document is rejected with a mapping error.
type bulkServer struct {
	mu       sync.Mutex
	apiKey   string
	badID    string
	docs     map[string]map[string]any
	requests int
}

func (b *bulkServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.URL.Path != "/_bulk" || r.Header.Get("Content-Type") != "application/x-ndjson" {
		http.Error(w, "bad request", 400)
		return
	}
	if r.Header.Get("Authorization") != "ApiKey "+b.apiKey {
		http.Error(w, `{"error":"security_exception"}`, 401)
		return
	}
	b.requests++
	body, _ := io.ReadAll(r.Body)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	var items []map[string]any
	for k := 0; sc.Scan(); k++ {
		var meta struct {
			Create struct {
				Index string `json:"_index"`
				ID    string `json:"_id"`
			} `json:"create"`
		}
		json.Unmarshal(sc.Bytes(), &meta)
		if !sc.Scan() {
			http.Error(w, "missing source", 400)
			return
		}
		var doc map[string]any
		json.Unmarshal(sc.Bytes(), &doc)
		id := meta.Create.ID
		status, errObj := 201, any(nil)
		switch {
		case b.requests == 1 && k%2 == 0:
			status, errObj = 429, map[string]string{"type": "es_rejected_execution_exception", "reason": "queue full"}
		case id == b.badID:
			status, errObj = 400, map[string]string{"type": "mapper_parsing_exception", "reason": "failed to parse"}
		case b.docs[id] != nil:
			status, errObj = 409, map[string]string{"type": "version_conflict_engine_exception", "reason": "exists"}
		default:
			b.docs[id] = doc
		}
		items = append(items, map[string]any{"create": map[string]any{"_index": meta.Create.Index, "_id": id, "status": status, "error": errObj}})
	}
	json.NewEncoder(w).Encode(map[string]any{"took": 1, "errors": true, "items": items})
}

func TestElasticsearchBulk(t *testing.T) {
	const n = 200
	t.Setenv("ES_KEY", "aWQ6a2V5")
	es := &bulkServer{apiKey: "aWQ6a2V5", badID: testFinding(42).ID, docs: map[string]map[string]any{}}
	srv := httptest.NewServer(es)
	t.Cleanup(srv.Close)
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeElasticsearch, URL: srv.URL, Index: "splicewatch-findings", APIKey: APIKeyRef{Env: "ES_KEY"},
		BatchSize: 64, Retry: fastRetry,
	}}})
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 20*time.Second, "delivery", func() bool {
		return counter(t, reg, "delivered_total") == n-1 && counter(t, reg, "dead_lettered_total") == 1
	})
	es.mu.Lock()
	defer es.mu.Unlock()
	if len(es.docs) != n-1 {
		t.Fatalf("%d documents stored, want %d", len(es.docs), n-1)
	}
	f := testFinding(7)
	doc := es.docs[f.ID]
	ev, _ := doc["event"].(map[string]any)
	rule, _ := doc["rule"].(map[string]any)
	proc, _ := doc["process"].(map[string]any)
	host, _ := doc["host"].(map[string]any)
	if ev["kind"] != "alert" || ev["id"] != f.ID || rule["id"] != "SPW-001" || proc["pid"] != float64(f.Process.PID) ||
		host["hostname"] != "node-1" || doc["@timestamp"] == nil {
		t.Errorf("ECS document = %v", doc)
	}
	if counter(t, reg, "retried_total") == 0 {
		t.Error("429 items were not retried")
	}
}
