package forward

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// TestKafka produces to franz-go's in-process Kafka (kfake) with SASL/PLAIN,
// dropping the connection of the first two produce requests, and consumes
// the topic back.
func TestKafka(t *testing.T) {
	const n = 500
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "findings"),
		kfake.EnableSASL(), kfake.Superuser("PLAIN", "sensor", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var failed atomic.Int64
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if failed.Add(1) > 2 {
			return nil, nil, false
		}
		return nil, errors.New("injected: connection dropped"), true
	})
	t.Setenv("KAFKA_PW", "pw")
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeKafka, Brokers: c.ListenAddrs(), Topic: "findings", Retry: fastRetry, Timeout: time.Second,
		SASL: &SASLConfig{Mechanism: "PLAIN", Username: "sensor", Password: PasswordRef{Env: "KAFKA_PW"}},
	}}})
	for i := range n {
		f := testFinding(i)
		if i%2 == 1 {
			f.Host = "node-2"
		}
		fw.Send(f)
	}
	start := time.Now()
	waitFor(t, 20*time.Second, "delivery", func() bool { return counter(t, reg, "delivered_total") == n })
	t.Logf("delivered in %v", time.Since(start))

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("findings"),
		kgo.SASL(plain.Auth{User: "sensor", Pass: "pw"}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seen := map[string]int{}
	partitionOf := map[string]int32{}
	for len(seen) < n && ctx.Err() == nil {
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			var f struct {
				ID   string `json:"id"`
				Host string `json:"host"`
			}
			if err := json.Unmarshal(r.Value, &f); err != nil || string(r.Key) != f.Host {
				t.Errorf("record key %q, value %s", r.Key, r.Value)
			}
			if len(r.Headers) != 1 || string(r.Headers[0].Value) != f.ID {
				t.Errorf("headers = %v", r.Headers)
			}
			if p, ok := partitionOf[f.Host]; ok && p != r.Partition {
				t.Errorf("host %s on partitions %d and %d", f.Host, p, r.Partition)
			}
			partitionOf[f.Host] = r.Partition
			seen[f.ID]++
		})
	}
	dups := 0
	for _, c := range seen {
		dups += c - 1
	}
	t.Logf("kafka: %d consumed, %d duplicates, %d produce requests failed on purpose", len(seen), dups, min(failed.Load(), 2))
	if len(seen) != n {
		t.Fatalf("consumed %d distinct findings, want %d", len(seen), n)
	}
}
