package forward

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// countingHEC is a minimal local HEC receiver that counts events.
type countingHEC struct{ events atomic.Int64 }

func (c *countingHEC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.events.Add(int64(bytes.Count(body, []byte(`{"time":`))))
	io.WriteString(w, `{"text":"Success","code":0}`)
}

// BenchmarkQueue measures findings per second persisted to the durable
// queue (fsync per batch) and delivered to a local Splunk HEC receiver, and
// its ratio to a baseline measured in the same run: the same sender posting
// the same batches directly, without the queue.
func BenchmarkQueue(b *testing.B) {
	const batch = 500
	findings := make([]*event.Finding, 10000)
	for i := range findings {
		findings[i] = testFinding(i)
	}
	hec := &countingHEC{}
	srv := httptest.NewServer(hec)
	defer srv.Close()
	cfg := OutputConfig{Type: TypeSplunk, Name: "bench", URL: srv.URL, Token: TokenRef{Value: "t"}, BatchSize: batch}

	// Baseline: the sender alone, from findings already encoded in memory.
	direct := func() float64 {
		c := &Config{QueueDir: b.TempDir(), Outputs: []OutputConfig{cfg}}
		if err := c.Validate(); err != nil {
			b.Fatal(err)
		}
		snd, _, err := newSender(&c.Outputs[0], &outputEnv{log: testLogger(b), now: time.Now}, testLogger(b))
		if err != nil {
			b.Fatal(err)
		}
		defer snd.close()
		start := time.Now()
		for i := 0; i < len(findings); i += batch {
			items := make([]*item, 0, batch)
			for _, f := range findings[i : i+batch] {
				rec, _ := encodeRecord(f)
				it, _ := decodeRecord(0, time.Now(), rec)
				items = append(items, it)
			}
			if err := snd.send(context.Background(), items); err != nil {
				b.Fatal(err)
			}
		}
		return float64(len(findings)) / time.Since(start).Seconds()
	}()

	fw, reg := startForwarder(b, &Config{QueueDir: b.TempDir(), Outputs: []OutputConfig{cfg}})
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		fw.Send(findings[i%len(findings)])
	}
	for counter(b, reg, "delivered_total") < float64(b.N) {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "findings/s")
	b.ReportMetric(direct, "direct-findings/s")
	b.ReportMetric(rate/direct, "x-of-direct")
	b.ReportMetric(0, "ns/op")
}
