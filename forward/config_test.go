package forward

import (
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"ok webhook", "queue_dir: /q\noutputs:\n- {type: webhook, url: 'https://siem/x'}", ""},
		{"ok syslog", "queue_dir: /q\noutputs:\n- {type: syslog, address: 'h:514'}", ""},
		{"no type", "outputs:\n- {name: a}", `outputs[0] ("a"): type: required`},
		{"unknown type", "outputs:\n- {type: pager}", `outputs[0] ("pager"): type: unknown output type "pager"`},
		{"file without path", "outputs:\n- {type: file, name: f}", `outputs[0] ("f"): path: required`},
		{"bad url", "queue_dir: /q\noutputs:\n- {type: webhook, name: w, url: 'ftp://x'}", `("w"): url: scheme must be http or https`},
		{"no queue_dir", "outputs:\n- {type: webhook, name: w, url: 'http://x'}", `("w"): queue_dir:`},
		{"dup name", "outputs:\n- {type: stdout}\n- {type: stdout}", `outputs[1] ("stdout"): name: duplicate`},
		{"bad severity", "outputs:\n- {type: stdout, min_severity: urgent}", `min_severity: unknown severity "urgent"`},
		{"bad policy", "outputs:\n- {type: stdout, queue: {when_full: spill}}", `queue.when_full: must be`},
		{"bad transport", "queue_dir: /q\noutputs:\n- {type: syslog, address: 'h:1', transport: quic}", `transport: must be udp, tcp or tls`},
		{"bad syslog format", "queue_dir: /q\noutputs:\n- {type: syslog, address: 'h:1', format: leef}", `format: must be one of rfc5424, cef`},
		{"splunk no token", "queue_dir: /q\noutputs:\n- {type: splunk, url: 'https://s:8088'}", `token_env: splunk needs`},
		{"es no index", "queue_dir: /q\noutputs:\n- {type: elasticsearch, url: 'https://e:9200'}", `index: required`},
		{"kafka no topic", "queue_dir: /q\noutputs:\n- {type: kafka, brokers: [k:9092]}", `topic: required`},
		{"kafka sasl", "queue_dir: /q\noutputs:\n- {type: kafka, brokers: [k:9092], topic: t, sasl: {mechanism: GSSAPI}}", `sasl.mechanism`},
		{"ocsf both", "queue_dir: /q\noutputs:\n- {type: ocsf, path: /x, url: 'http://x'}", `path: set exactly one`},
		{"bad name", "outputs:\n- {type: stdout, name: '../etc'}", `name: must match`},
		{"retry", "queue_dir: /q\noutputs:\n- {type: webhook, url: 'http://x', retry: {initial: 10s, max: 1s}}", `retry.max`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg Config
			dec := yaml.NewDecoder(strings.NewReader(tt.yaml))
			dec.KnownFields(true)
			if err := dec.Decode(&cfg); err != nil {
				t.Fatalf("yaml: %v", err)
			}
			err := cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Validate = %v, want an ErrInvalidConfig containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSecretsResolve(t *testing.T) {
	t.Setenv("SW_TOKEN", "from-env")
	file := t.TempDir() + "/tok"
	if err := writeFile(file, "from-file\n"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref     TokenRef
		want    string
		wantErr string
	}{
		{TokenRef{Env: "SW_TOKEN"}, "from-env", ""},
		{TokenRef{File: file}, "from-file", ""},
		{TokenRef{Value: "inline"}, "inline", ""},
		{TokenRef{Env: "SW_NOT_SET"}, "", "token_env: environment variable SW_NOT_SET is not set"},
		{TokenRef{Env: "SW_TOKEN", File: file}, "", "set only one"},
	}
	for _, tt := range tests {
		got, err := tt.ref.Resolve()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "from-") {
				t.Errorf("Resolve(%+v) err = %v, want %q without the secret", tt.ref, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%+v) = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
}
