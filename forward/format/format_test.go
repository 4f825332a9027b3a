package format

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

func finding(comm, desc string, sev event.Severity) *event.Finding {
	return &event.Finding{
		ID: "0123456789abcdef0123456789abcdef", Time: time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC), Host: "h 1",
		Rule:    event.Rule{ID: "SPW-001", Name: "Kernel | address", Severity: sev, Description: desc, MITRE: []string{"T1068"}},
		Process: event.Process{PID: 42, UID: 0, Comm: comm},
		Event:   &event.Event{Name: "vmsplice"},
	}
}

func TestCEFEscaping(t *testing.T) {
	tests := []struct {
		name, comm, desc string
		sev              event.Severity
		want             []string
	}{
		{"header pipe and backslash", "x", "d", event.SeverityCritical,
			[]string{`CEF:0|splicewatch|splicewatch|1.0|SPW-001|Kernel \| address|10|`}},
		{"extension equals and backslash", `a=b\c`, "d", event.SeverityLow,
			[]string{`sproc=a\=b\\c`, `|3|`}},
		{"newlines in extension", "x", "line1\nline2\r\nline3", event.SeverityInfo,
			[]string{`msg=line1\nline2\nline3`, `|1|`}},
		{"pipe not escaped in extension", "a|b", "d", event.SeverityHigh, []string{`sproc=a|b`, `|8|`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CEF(finding(tt.comm, tt.desc, tt.sev), "1.0")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("CEF = %q, want it to contain %q", got, w)
				}
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("CEF record spans lines: %q", got)
			}
		})
	}
}

func TestRFC5424(t *testing.T) {
	tests := []struct {
		name string
		f    *event.Finding
		want string
	}{
		{"header and sd", finding("x", "d", event.SeverityHigh),
			`<131>1 2026-03-04T05:06:07.890000Z h_1 splicewatch 7 SPW-001 [splicewatch@32473 rule_id="SPW-001" severity="high" finding_id="0123456789abcdef0123456789abcdef" event="vmsplice"] m`},
		{"sd escaping", func() *event.Finding {
			f := finding("x", "d", event.SeverityCritical)
			f.Rule.ID = `a"b]c\d`
			return f
		}(), `rule_id="a\"b\]c\\d"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(RFC5424(tt.f, SyslogHeader{Facility: 16, ProcID: 7}, "m"))
			if !strings.Contains(got, tt.want) {
				t.Errorf("RFC5424 =\n%s\nwant it to contain\n%s", got, tt.want)
			}
		})
	}
}

func TestJSONFormats(t *testing.T) {
	f := finding("x", "d", event.SeverityMedium)
	tests := []struct {
		name string
		enc  func(*event.Finding) ([]byte, error)
		want map[string]any
	}{
		{"falcosidekick", Falcosidekick, map[string]any{"priority": "Warning", "rule": "Kernel | address", "source": "splicewatch", "hostname": "h 1"}},
		{"ocsf", func(f *event.Finding) ([]byte, error) { return OCSF(f, "v") }, map[string]any{"class_uid": 2004.0, "type_uid": 200401.0, "severity_id": 3.0}},
		{"ecs", ECS, map[string]any{"@timestamp": "2026-03-04T05:06:07.89Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.enc(f)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}
