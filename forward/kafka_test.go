package forward

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestKafka produces to franz-go's in-process Kafka (kfake) with SASL, with
// and without TLS, dropping the connection of the first two produce
// requests, and consumes the topic back.
func TestKafka(t *testing.T) {
	tests := []struct {
		name, mechanism string
		tls             bool
	}{
		{"SASL PLAIN", "PLAIN", false},
		{"TLS and SASL SCRAM-SHA-256", "SCRAM-SHA-256", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { testKafka(t, tt.mechanism, tt.tls) })
	}
}

func testKafka(t *testing.T, mechanism string, useTLS bool) {
	const n = 500
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(3, "findings"),
		kfake.EnableSASL(), kfake.Superuser(mechanism, "sensor", "pw")}
	var outTLS *TLSConfig
	var consumerOpts []kgo.Opt
	if useTLS {
		pki := newTestPKI(t)
		cert, err := tls.LoadX509KeyPair(pki.ServerCert, pki.ServerKey)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
		outTLS = &TLSConfig{CAFile: pki.CA}
		clientTLS, err := clientTLS(outTLS, "consumer", testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		consumerOpts = append(consumerOpts, kgo.DialTLSConfig(clientTLS))
	}
	c, err := kfake.NewCluster(opts...)
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
		SASL: &SASLConfig{Mechanism: mechanism, Username: "sensor", Password: PasswordRef{Env: "KAFKA_PW"}},
		TLS:  outTLS,
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

	mech, _ := kafkaSASL(&SASLConfig{Mechanism: mechanism, Username: "sensor", Password: PasswordRef{Value: "pw"}})
	cl, err := kgo.NewClient(append(consumerOpts, kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("findings"),
		kgo.SASL(mech))...)
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
