package forward

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// Output types.
const (
	TypeStdout        = "stdout"
	TypeFile          = "file"
	TypeWebhook       = "webhook"
	TypeSyslog        = "syslog"
	TypeSplunk        = "splunk"
	TypeElasticsearch = "elasticsearch"
	TypeOCSF          = "ocsf"
	TypeKafka         = "kafka"
)

// Full-queue policies.
const (
	PolicyBlock      = "block"
	PolicyDropOldest = "drop_oldest"
)

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("invalid forward configuration")

// Config is the forwarding section of splicewatch's configuration. Its keys
// are top-level keys of the config file (embed it with `yaml:",inline"`).
type Config struct {
	// QueueDir holds one durable queue and one dead-letter file per network
	// output. Required when a network output is configured.
	QueueDir string `yaml:"queue_dir"`
	// Outputs lists the sinks. Empty means stdout.
	Outputs []OutputConfig `yaml:"outputs"`
}

// OutputConfig configures one sink. Which keys apply depends on Type; see
// docs/outputs.md.
type OutputConfig struct {
	// Type is one of the Type* constants.
	Type string `yaml:"type"`
	// Name identifies the output in metrics, logs and queue file names.
	// It defaults to Type.
	Name string `yaml:"name"`
	// MinSeverity drops findings below this severity.
	MinSeverity string `yaml:"min_severity"`
	// Rules, when set, keeps only findings of these rule ids (shell
	// patterns such as "SPW-0*" are accepted).
	Rules []string `yaml:"rules"`
	// Format selects the payload: splicewatch (default), falcosidekick,
	// ocsf, ecs for JSON outputs; rfc5424 (default) or cef for syslog.
	Format string `yaml:"format"`

	// Path is the file of file outputs and of ocsf outputs without URL.
	Path string `yaml:"path"`
	// MaxSizeMB is the size at which the file rotates. Default 100.
	MaxSizeMB int `yaml:"max_size_mb"`
	// MaxBackups is how many rotated files are kept; 0 keeps all.
	MaxBackups int `yaml:"max_backups"`

	// URL is the endpoint of webhook, splunk, elasticsearch and ocsf outputs.
	URL string `yaml:"url"`
	// Headers are added to every webhook request.
	Headers map[string]string `yaml:"headers"`
	// Secret keys the webhook's HMAC-SHA256 body signature.
	Secret SecretRef `yaml:",inline"`

	// Address is the syslog receiver's host:port.
	Address string `yaml:"address"`
	// Transport is udp, tcp (default) or tls.
	Transport string `yaml:"transport"`
	// Facility is the syslog facility, 0-23. Default 16 (local0).
	Facility int `yaml:"facility"`

	// Token is the Splunk HEC token.
	Token TokenRef `yaml:",inline"`
	// Index is the Splunk index or the Elasticsearch index (or data stream).
	Index string `yaml:"index"`
	// Sourcetype is the Splunk sourcetype. Default "splicewatch:finding".
	Sourcetype string `yaml:"sourcetype"`
	// Ack waits for Splunk indexer acknowledgement before a finding
	// counts as delivered.
	Ack bool `yaml:"ack"`

	// Username and Password are Elasticsearch basic authentication.
	Username string      `yaml:"username"`
	Password PasswordRef `yaml:",inline"`
	// APIKey is Elasticsearch API-key authentication.
	APIKey APIKeyRef `yaml:",inline"`

	// Brokers are the Kafka seed brokers, host:port.
	Brokers []string `yaml:"brokers"`
	// Topic is the Kafka topic.
	Topic string `yaml:"topic"`
	// SASL authenticates to Kafka.
	SASL *SASLConfig `yaml:"sasl"`

	// TLS configures certificate checks and client certificates. For
	// Kafka, setting it turns TLS on.
	TLS *TLSConfig `yaml:"tls"`
	// Queue bounds the output's durable queue.
	Queue *QueueConfig `yaml:"queue"`
	// Retry shapes the backoff between attempts.
	Retry *RetryConfig `yaml:"retry"`
	// BatchSize is how many findings one request carries, where the
	// receiver takes batches (syslog, splunk, elasticsearch, kafka).
	BatchSize int `yaml:"batch_size"`
	// Timeout bounds one request to the receiver (for Splunk with Ack,
	// including the wait for the acknowledgement). Default 10s.
	Timeout time.Duration `yaml:"timeout"`
}

// SASLConfig configures Kafka SASL authentication.
type SASLConfig struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
	Mechanism string `yaml:"mechanism"`
	// Username and Password are the SASL credentials.
	Username string      `yaml:"username"`
	Password PasswordRef `yaml:",inline"`
}

// QueueConfig bounds an output's queue.
type QueueConfig struct {
	// MaxFindings is the queue's bound. Default 100000.
	MaxFindings int `yaml:"max_findings"`
	// WhenFull is "block" (default) or "drop_oldest".
	WhenFull string `yaml:"when_full"`
	// BlockTimeout bounds how long Send waits under "block". Default 1s.
	BlockTimeout time.Duration `yaml:"block_timeout"`
}

// RetryConfig shapes the exponential backoff between delivery attempts.
type RetryConfig struct {
	// Initial is the first wait. Default 500ms.
	Initial time.Duration `yaml:"initial"`
	// Max caps the wait. Default 30s.
	Max time.Duration `yaml:"max"`
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// isNetwork reports whether outputs of this config use a queue.
func (o *OutputConfig) isNetwork() bool {
	switch o.Type {
	case TypeStdout, TypeFile:
		return false
	case TypeOCSF:
		return o.URL != ""
	}
	return true
}

// Validate checks the configuration and fills in defaults. Its errors name
// the output and the key at fault and wrap ErrInvalidConfig.
func (c *Config) Validate() error {
	seen := map[string]bool{}
	for i := range c.Outputs {
		o := &c.Outputs[i]
		if o.Name == "" {
			o.Name = o.Type
		}
		bad := func(key, format string, args ...any) error {
			return fmt.Errorf("%w: outputs[%d] (%q): %s: %s", ErrInvalidConfig, i, o.Name, key, fmt.Sprintf(format, args...))
		}
		if !namePattern.MatchString(o.Name) {
			return bad("name", "must match %s", namePattern)
		}
		if seen[o.Name] {
			return bad("name", "duplicate output name")
		}
		seen[o.Name] = true
		if o.MinSeverity != "" {
			if _, err := event.ParseSeverity(o.MinSeverity); err != nil {
				return bad("min_severity", "%s", err.Error())
			}
		}
		if err := o.validateType(bad); err != nil {
			return err
		}
		if o.isNetwork() && c.QueueDir == "" {
			return bad("queue_dir", "a network output needs the top-level queue_dir")
		}
		if err := o.validateDelivery(bad); err != nil {
			return err
		}
	}
	return nil
}

type badKey func(key, format string, args ...any) error

func (o *OutputConfig) validateDelivery(bad badKey) error {
	if o.Queue == nil {
		o.Queue = &QueueConfig{}
	}
	q := o.Queue
	switch q.WhenFull {
	case "":
		q.WhenFull = PolicyBlock
	case PolicyBlock, PolicyDropOldest:
	default:
		return bad("queue.when_full", "must be %q or %q, not %q", PolicyBlock, PolicyDropOldest, q.WhenFull)
	}
	if q.MaxFindings < 0 {
		return bad("queue.max_findings", "must not be negative")
	}
	if q.MaxFindings == 0 {
		q.MaxFindings = 100000
	}
	if q.BlockTimeout <= 0 {
		q.BlockTimeout = time.Second
	}
	if o.Retry == nil {
		o.Retry = &RetryConfig{}
	}
	if o.Retry.Initial <= 0 {
		o.Retry.Initial = 500 * time.Millisecond
	}
	if o.Retry.Max <= 0 {
		o.Retry.Max = 30 * time.Second
	}
	if o.Retry.Max < o.Retry.Initial {
		return bad("retry.max", "must not be below retry.initial")
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.BatchSize < 0 || o.BatchSize > 10000 {
		return bad("batch_size", "must be between 1 and 10000")
	}
	return nil
}
