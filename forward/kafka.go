package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// kafka produces findings with franz-go's idempotent producer, acks from
// all in-sync replicas, keyed by host so one host's findings stay in order
// on one partition.
type kafka struct {
	client  *kgo.Client
	topic   string
	enc     encoder
	timeout time.Duration
}

func newKafka(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (*kafka, error) {
	enc, err := newEncoder(cfg.Format, env.version)
	if err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.DefaultProduceTopic(cfg.Topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.ZstdCompression(), kgo.SnappyCompression(), kgo.NoCompression()),
		kgo.ClientID("splicewatch"),
	}
	if cfg.TLS != nil {
		tlsCfg, err := clientTLS(cfg.TLS, cfg.Name, log)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tlsCfg))
	}
	if cfg.SASL != nil {
		mech, err := kafkaSASL(cfg.SASL)
		if err != nil {
			return nil, err
		}
		if cfg.TLS == nil {
			log.Warn("Kafka SASL credentials go over plaintext; add tls to this output", "output", cfg.Name)
		}
		opts = append(opts, kgo.SASL(mech))
	}
	client, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return &kafka{client: client, topic: cfg.Topic, enc: enc, timeout: cfg.Timeout}, nil
}

func kafkaSASL(c *SASLConfig) (sasl.Mechanism, error) {
	pass, err := c.Password.Resolve()
	if err != nil {
		return nil, fmt.Errorf("sasl: %w", err)
	}
	switch strings.ToUpper(c.Mechanism) {
	case "PLAIN":
		return plain.Auth{User: c.Username, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: c.Username, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: c.Username, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("sasl.mechanism: unsupported %q", c.Mechanism)
}

func (k *kafka) send(ctx context.Context, batch []*item) error {
	errs := make(itemErrors, len(batch))
	recs := make([]*kgo.Record, 0, len(batch))
	idx := make([]int, 0, len(batch))
	for i, it := range batch {
		v, err := k.enc(it)
		if err != nil {
			errs[i] = err
			continue
		}
		recs = append(recs, &kgo.Record{
			Key: []byte(it.meta.Host), Value: v, Timestamp: it.meta.Time,
			Headers: []kgo.RecordHeader{{Key: "finding_id", Value: []byte(it.meta.ID)}},
		})
		idx = append(idx, i)
	}
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	for k, r := range k.client.ProduceSync(ctx, recs...) {
		errs[idx[k]] = kafkaError(r.Err)
	}
	return errs.err()
}

// kafkaError classifies a produce error: a record the broker can never
// take is permanent, anything else is retried.
func kafkaError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge),
		errors.Is(err, kerr.InvalidRecord):
		return permanent("kafka: %s", err.Error())
	}
	return fmt.Errorf("kafka produce: %w", err)
}

func (k *kafka) close() error {
	k.client.Close()
	return nil
}
