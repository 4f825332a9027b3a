package plugin

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestConfigYAML(t *testing.T) {
	src := `
plugins:
  dir: /etc/splicewatch/plugins
  user: splicewatch-plugins
  allow_unverified: true
  timeout: 2s
  batch_size: 64
  findings_per_second: 50
  findings_burst: 10
  allow:
    - name: spw-example-plugin
      sha256: 9f2c6e0d1b7a4c3e5f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4e41a
`
	var got struct {
		Plugins Config `yaml:"plugins"`
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Dir: "/etc/splicewatch/plugins", User: "splicewatch-plugins", AllowUnverified: true,
		Timeout: 2 * time.Second, BatchSize: 64, FindingsPerSecond: 50, FindingsBurst: 10,
		Allow: []Allowed{{Name: "spw-example-plugin", SHA256: "9f2c6e0d1b7a4c3e5f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4e41a"}},
	}
	if !reflect.DeepEqual(got.Plugins, want) {
		t.Errorf("got %+v\nwant %+v", got.Plugins, want)
	}
	if _, err := allowList(got.Plugins.Allow); err != nil {
		t.Errorf("allow list: %v", err)
	}
}

func TestAllowListErrors(t *testing.T) {
	good := "9f2c6e0d1b7a4c3e5f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4e41a"
	tests := []struct {
		name  string
		allow []Allowed
	}{
		{"no name", []Allowed{{SHA256: good}}},
		{"a path, not a name", []Allowed{{Name: "../x", SHA256: good}}},
		{"not hex", []Allowed{{Name: "x", SHA256: "zz"}}},
		{"too short", []Allowed{{Name: "x", SHA256: "abcd"}}},
		{"twice", []Allowed{{Name: "x", SHA256: good}, {Name: "x", SHA256: good}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := allowList(tt.allow); err == nil {
				t.Error("accepted")
			}
		})
	}
}
