package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadConfigFilter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		yaml    string
		refresh time.Duration
		wantErr bool
	}{
		{"default", "sensor:\n  filter:\n    exclude_comms: [nginx]\n", 0, false},
		{"duration", "sensor:\n  filter:\n    sensitive_refresh: 45s\n", 45 * time.Second, false},
		{"never", "sensor:\n  filter:\n    sensitive_refresh: -1s\n", -time.Second, false},
		{"not a duration", "sensor:\n  filter:\n    sensitive_refresh: often\n", 0, true},
		{"unknown key", "sensor:\n  filter:\n    sensitive_refres: 45s\n", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadYAML(t, tc.yaml)
			if (err != nil) != tc.wantErr {
				t.Fatalf("loadConfig: %v, want error %v", err, tc.wantErr)
			}
			if err == nil && cfg.Sensor.Filter.SensitiveRefresh != tc.refresh {
				t.Errorf("sensitive_refresh = %v, want %v", cfg.Sensor.Filter.SensitiveRefresh, tc.refresh)
			}
		})
	}
}

func TestLoadConfigCompat(t *testing.T) {
	for _, tc := range []struct {
		yaml    string
		want    string
		wantErr bool
	}{
		{"log_level: info\n", "auto", false},
		{"sensor:\n  compat_syscalls: on\n", "on", false},
		{"sensor:\n  compat_syscalls: off\n", "off", false},
		{"sensor:\n  compat_syscalls: sometimes\n", "", true},
	} {
		cfg, err := loadYAML(t, tc.yaml)
		if (err != nil) != tc.wantErr {
			t.Fatalf("%q: loadConfig: %v, want error %v", tc.yaml, err, tc.wantErr)
		}
		if err == nil && cfg.Sensor.CompatSyscalls != tc.want {
			t.Errorf("%q: compat_syscalls = %q, want %q", tc.yaml, cfg.Sensor.CompatSyscalls, tc.want)
		}
	}
}

// loadYAML loads a configuration file holding text over the defaults.
func loadYAML(t *testing.T, text string) (config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	err := loadConfig(path, &cfg)
	return cfg, err
}
