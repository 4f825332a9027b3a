package plugin

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config is the plugins section of the splicewatch configuration.
type Config struct {
	// Dir is the folder holding plugin binaries. Every regular file in it
	// is a plugin.
	Dir string `yaml:"dir"`
	// Allow lists the plugins allowed to run, by file name and checksum.
	Allow []Allowed `yaml:"allow"`
	// AllowUnverified runs plugins that are not on the allow list, with a
	// warning (flag --allow-unverified-plugins).
	AllowUnverified bool `yaml:"allow_unverified"`
	// User is the account plugins run as when splicewatch runs as root.
	// Default: nobody.
	User string `yaml:"user"`
	// Timeout is how long a plugin may take to answer a batch before it is
	// killed and restarted. Default: 5s.
	Timeout time.Duration `yaml:"timeout"`
	// BatchSize is the largest number of events sent in one message.
	// Default: 1024.
	BatchSize int `yaml:"batch_size"`
	// FindingsPerSecond limits the findings accepted from one plugin;
	// the excess is dropped and counted. Default: 1000.
	FindingsPerSecond float64 `yaml:"findings_per_second"`
	// FindingsBurst is the burst allowed above FindingsPerSecond.
	// Default: 2 × FindingsPerSecond.
	FindingsBurst int `yaml:"findings_burst"`
}

// Allowed is one allow-list entry.
type Allowed struct {
	// Name is the plugin's file name in Dir.
	Name string `yaml:"name"`
	// SHA256 is the hex SHA-256 of the binary (sha256sum output).
	SHA256 string `yaml:"sha256"`
}

// Options tune Load. A nil *Options gives the defaults.
type Options struct {
	// Logger receives plugin faults and the plugins' own log lines.
	// Default: slog.Default().
	Logger *slog.Logger
	// Registerer receives the plugin metrics. Default: none.
	Registerer prometheus.Registerer
	// MinBackoff and MaxBackoff bound the delay before a failed plugin is
	// restarted. Defaults: 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
}

func (c *Config) withDefaults() Config {
	out := *c
	if out.User == "" {
		out.User = "nobody"
	}
	if out.Timeout <= 0 {
		out.Timeout = 5 * time.Second
	}
	if out.BatchSize <= 0 {
		out.BatchSize = 1024
	}
	if out.FindingsPerSecond <= 0 {
		out.FindingsPerSecond = 1000
	}
	if out.FindingsBurst <= 0 {
		out.FindingsBurst = int(2 * out.FindingsPerSecond)
	}
	return out
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	if out.MinBackoff <= 0 {
		out.MinBackoff = 100 * time.Millisecond
	}
	if out.MaxBackoff <= 0 {
		out.MaxBackoff = 30 * time.Second
	}
	return out
}
