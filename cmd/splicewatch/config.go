package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/splicewatch/splicewatch/engine/plugin"
	"github.com/splicewatch/splicewatch/forward"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

// config is the YAML configuration file. Every key has a flag; a flag given
// on the command line wins over the file.
type config struct {
	LogLevel    string           `yaml:"log_level"`
	Host        string           `yaml:"host"`
	Events      bool             `yaml:"events"`
	MetricsAddr string           `yaml:"metrics_addr"`
	Sensor      sensorConfig     `yaml:"sensor"`
	Engine      engineConfig     `yaml:"engine"`
	Rules       rulesConfig      `yaml:"rules"`
	Signatures  signaturesConfig `yaml:"signatures"`
	Plugins     plugin.Config    `yaml:"plugins"`
	// queue_dir and outputs are top-level keys.
	Forward forward.Config `yaml:",inline"`
}

// rulesConfig selects the Rego rule set and its settings.
type rulesConfig struct {
	// Dirs are directories of .rego rules added to the embedded pack.
	Dirs []string `yaml:"dirs"`
	// NoDefault skips the embedded pack.
	NoDefault bool `yaml:"no_default"`
	// Config is visible to rules as data.splicewatch.config.
	Config map[string]any `yaml:"config"`
}

// signaturesConfig holds the settings of the built-in Go signatures.
type signaturesConfig struct {
	SPW009 builtin.ZeroCopyBurstConfig `yaml:"spw009"`
}

type sensorConfig struct {
	ProbeMode       string        `yaml:"probe_mode"`
	CompatSyscalls  string        `yaml:"compat_syscalls"`
	RingBufferBytes int           `yaml:"ring_buffer_bytes"`
	WakeupBytes     int           `yaml:"wakeup_bytes"`
	PollInterval    time.Duration `yaml:"poll_interval"`
	Filter          sensor.Filter `yaml:"filter"`
}

type engineConfig struct {
	Workers int `yaml:"workers"`
}

func defaultConfig() config {
	return config{
		LogLevel: "info",
		Sensor: sensorConfig{
			ProbeMode:       "auto",
			CompatSyscalls:  "auto",
			RingBufferBytes: 16 << 20,
			WakeupBytes:     256 << 10,
			PollInterval:    100 * time.Millisecond,
		},
		Engine: engineConfig{Workers: 1},
	}
}

// maxConfigBytes bounds the configuration file: it is read as root.
const maxConfigBytes = 4 << 20

// loadConfig reads path over the defaults. Unknown keys are errors, so a
// typo does not silently disable a setting.
func loadConfig(path string, cfg *config) error {
	f, err := os.Open(path)
	if err != nil {
		return usagef("read config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return usagef("read config %s: %w", path, err)
	}
	if len(b) > maxConfigBytes {
		return usagef("config %s: larger than %d bytes", path, maxConfigBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return usagef("config %s: %w", path, err)
	}
	return cfg.validate(path)
}

func (c *config) validate(path string) error {
	if _, err := parseLevel(c.LogLevel); err != nil {
		return usagef("config %s: log_level: %w", path, err)
	}
	if n := c.Sensor.RingBufferBytes; n <= 0 || n&(n-1) != 0 {
		return usagef("config %s: sensor.ring_buffer_bytes: %d is not a power of two", path, n)
	}
	if _, err := features.ParseMode(c.Sensor.ProbeMode); err != nil {
		return usagef("config %s: sensor.probe_mode: %w", path, err)
	}
	if _, err := sensor.ParseCompat(c.Sensor.CompatSyscalls); err != nil {
		return usagef("config %s: sensor.compat_syscalls: %w", path, err)
	}
	if c.Sensor.PollInterval <= 0 {
		return usagef("config %s: sensor.poll_interval must be positive", path)
	}
	if c.Engine.Workers < 1 {
		return usagef("config %s: engine.workers must be at least 1", path)
	}
	if err := c.Sensor.Filter.Validate(); err != nil {
		return usagef("config %s: sensor.filter: %w", path, err)
	}
	if err := c.Forward.Validate(); err != nil {
		return usagef("config %s: %w", path, err)
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown level %q (want debug, info, warn or error)", s)
	}
	return l, nil
}
