package rego

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/rules"
)

const okRule = `package splicewatch.rules.ok

metadata := {"id": "T-OK", "name": "ok", "severity": "low", "description": "d", "tags": [], "mitre": [], "version": "1"}

events := {"splice"}

findings contains {"len": input.args.len} if input.args.len > 0
`

// traceeRule is a Tracee legacy signature in Rego v0 syntax, as Tracee
// shipped them.
const traceeRule = `package tracee.TRC_SPLICE

__rego_metadoc__ := {
	"id": "TRC-SPLICE",
	"version": "0.1.0",
	"name": "Big splice",
	"description": "A splice of more than 1 MiB",
	"tags": ["linux"],
	"properties": {"Severity": 2, "MITRE ATT&CK": "Exfiltration: T1048"},
}

tracee_selected_events[eventSelector] {
	eventSelector := {"source": "tracee", "name": "splice", "origin": "*"}
}

tracee_match = res {
	input.eventName == "splice"
	arg := input.args[_]
	arg.name == "len"
	arg.value > 1048576
	res := {"len": arg.value, "process": input.processName}
}
`

func TestLoadErrorsNameFileLineColumn(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want string // prefix of the first error
		msg  string // part of its message
	}{
		{"parse", "package splicewatch.rules.x\n\nfindings contains f if {\n\tf := \n}\n", "dir/x.rego:5:1", "unexpected"},
		{"unsafe var", "package splicewatch.rules.x\n\nmetadata := {}\n\nevents := {\"splice\"}\n\nfindings contains f if {\n\t  y == 1\n}\n", "dir/x.rego:7:", "unsafe"},
		{"undefined function", "package splicewatch.rules.x\n\nmetadata := {}\nevents := {\"splice\"}\nfindings contains 1 if nope(1)\n", "dir/x.rego:5:", "undefined function"},
		{"missing findings", "package splicewatch.rules.x\n\nmetadata := {\"id\": \"A\", \"name\": \"a\", \"severity\": \"low\"}\nevents := {\"splice\"}\n", "dir/x.rego:1:1", "does not define findings"},
		{"bad severity", "package splicewatch.rules.x\n\nmetadata := {\"id\": \"A\", \"name\": \"a\", \"severity\": \"loud\"}\nevents := {\"splice\"}\nfindings contains 1 if false\n", "dir/x.rego:3:1", "unknown severity"},
		{"no events", "package splicewatch.rules.x\n\nmetadata := {\"id\": \"A\", \"name\": \"a\", \"severity\": \"low\"}\nevents := set()\nfindings contains 1 if false\n", "dir/x.rego:3:1", "selects no events"},
		{"reserved package", "package splicewatch.internal.batch.b0\n\nout := 1\n", "dir/x.rego:1:1", "reserved"},
		{"config package", "package splicewatch.config\n\nx := 1\n", "dir/x.rego:1:1", "reserved"},
		{"network builtin", "package splicewatch.rules.x\n\nmetadata := {\"id\": \"A\", \"name\": \"a\", \"severity\": \"low\"}\nevents := {\"splice\"}\nfindings contains r if r := http.send({\"method\": \"GET\", \"url\": \"http://x\"})\n", "dir/x.rego:5:", "http.send"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), &Options{Sources: []Source{memSource("dir", map[string]string{"x.rego": tc.body})}})
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("err = %v, want Errors", err)
			}
			if got := errs[0].Error(); !strings.HasPrefix(got, tc.want) || !strings.Contains(got, tc.msg) {
				t.Fatalf("error %q, want prefix %q containing %q", got, tc.want, tc.msg)
			}
		})
	}
}

func TestLoadDuplicateID(t *testing.T) {
	other := strings.Replace(okRule, "rules.ok", "rules.ok2", 1)
	_, err := Load(context.Background(), &Options{Sources: []Source{memSource("d", map[string]string{"a.rego": okRule, "b.rego": other})}})
	if err == nil || !strings.Contains(err.Error(), "d/b.rego:3:1: rule id T-OK already declared in d/a.rego") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadFormats(t *testing.T) {
	d := mustLoad(t, &Options{
		Sources: []Source{
			{Name: "embedded", FS: rules.FS()},
			memSource("user", map[string]string{"ok.rego": okRule, "tracee/big.rego": traceeRule}),
		},
	})
	byID := map[string]RuleInfo{}
	for _, info := range d.Info() {
		byID[info.ID] = info
	}
	for _, tc := range []struct {
		id, file, format string
		sev              event.Severity
		events           string
	}{
		{"SPW-002", "embedded/spw002_overlong_iovec.rego", FormatNative, event.SeverityHigh, "vmsplice"},
		{"SPW-010", "embedded/spw010_pipe_no_reader.rego", FormatNative, event.SeverityMedium, "vmsplice"},
		{"T-OK", "user/ok.rego", FormatNative, event.SeverityLow, "splice"},
		{"TRC-SPLICE", "user/tracee/big.rego", FormatTracee, event.SeverityMedium, "splice"},
	} {
		got, ok := byID[tc.id]
		if !ok {
			t.Errorf("rule %s not loaded", tc.id)
			continue
		}
		if got.File != tc.file || got.Format != tc.format || got.Severity != tc.sev || strings.Join(got.Events, ",") != tc.events {
			t.Errorf("rule %s = %+v", tc.id, got)
		}
	}
	if r := byID["SPW-010"]; !r.Guarded || !r.Inlined {
		t.Errorf("SPW-010 guarded=%v inlined=%v, want both", r.Guarded, r.Inlined)
	}
	if got := byID["TRC-SPLICE"].MITRE; len(got) != 1 || got[0] != "Exfiltration: T1048" {
		t.Errorf("tracee MITRE = %v", got)
	}
	if got := strings.Join(d.Events(), ","); got != "page_race,sendfile,splice,tee,vmsplice" {
		t.Errorf("Events() = %s", got)
	}
}

// A user rule importing splicewatch.lib loads without the embedded pack,
// from Library.
func TestLoadLibraryWithoutPack(t *testing.T) {
	rule := `package splicewatch.rules.uselib

import data.splicewatch.lib

metadata := {"id": "U-1", "name": "u", "severity": "info"}
events := {"vmsplice"}
findings contains {"limit": lib.task_size_max_4level} if input.ret == lib.errno.EFAULT
`
	d := mustLoad(t, &Options{
		Sources: []Source{memSource("u", map[string]string{"u.rego": rule})},
		Library: []Source{{Name: "lib", FS: rules.Lib()}},
	})
	var c collect
	if err := d.Evaluate(context.Background(), vmsplice(1, -14, 0), c.emit); err != nil {
		t.Fatal(err)
	}
	if len(c.fs) != 1 || c.fs[0].Data["limit"] != int64(140737488351232) {
		t.Fatalf("findings = %v", c.fs)
	}
	// The same library next to the pack is not loaded twice.
	mustLoad(t, &Options{Sources: packSources(), Library: []Source{{Name: "lib", FS: rules.Lib()}}})
}

// A Tracee rule selecting only container events does not see host events.
func TestTraceeOrigin(t *testing.T) {
	rule := strings.Replace(traceeRule, `"origin": "*"`, `"origin": "container"`, 1)
	for _, noInline := range []bool{false, true} {
		d := mustLoad(t, &Options{Sources: []Source{memSource("u", map[string]string{"t.rego": rule})}, noInline: noInline})
		if inlined := d.rules[0].inline != nil; inlined == noInline {
			t.Fatalf("noInline=%v: rule inlined = %v", noInline, inlined)
		}
		host, ctr := splice(1), splice(2)
		ctr.Process.ContainerID = "c1"
		var c collect
		if err := d.EvaluateBatch(context.Background(), []*event.Event{host, ctr}, c.emit); err != nil {
			t.Fatal(err)
		}
		if len(c.fs) != 1 || c.fs[0].Event != ctr || c.fs[0].Data["process"] != "server" || c.fs[0].Data["len"] != int64(4<<20) {
			t.Fatalf("noInline=%v: findings %+v", noInline, c.fs)
		}
	}
}
