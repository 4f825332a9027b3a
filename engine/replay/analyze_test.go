package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/splicewatch/splicewatch/engine"
	srego "github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/rules"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

var quiet = slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))

// recording writes n events in splicewatch format: mostly splices, with an
// exploit-like vmsplice (SPW-001, SPW-002, SPW-010) every 10th event.
func recording(t testing.TB, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	for i := range n {
		ev := &event.Event{
			Name: "splice", Time: time.Unix(1795694400, int64(i)).UTC(), Host: "h",
			Process: event.Process{PID: uint32(100 + i%7), TID: uint32(100 + i%7), Comm: "srv"},
			Args:    event.Args{}, Ret: 4096,
		}
		ev.Args.Set("len", 4096)
		ev.Args.Set("flag_names", []any{})
		if i%10 == 3 {
			ev.Name, ev.Ret = "vmsplice", -32
			for k, v := range map[string]any{"fd": 4, "nr_segs": 1, "kernel_segs": 1, "kernel_first": 0,
				"kernel_first_base": uint64(0xffffffffff600000), "user_limit": 140737488351232,
				"overlong_segs": 1, "overlong_first": 0, "overlong_first_base": 4096, "overlong_first_len": uint64(1 << 63)} {
				ev.Args.Set(k, v)
			}
		}
		line, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
		if i == 5 {
			b.WriteString("{not json\n")
		}
	}
	return b.Bytes()
}

func detectors(t testing.TB) []engine.Detector {
	t.Helper()
	d, err := srego.Load(context.Background(), &srego.Options{Sources: []srego.Source{{Name: "embedded", FS: rules.FS()}}})
	if err != nil {
		t.Fatal(err)
	}
	return []engine.Detector{d, engine.FromSignature(&builtin.KernelIOVBase{})}
}

func TestAnalyze(t *testing.T) {
	input := recording(t, 100)
	var outs []string
	for _, workers := range []int{1, 3} {
		var out bytes.Buffer
		var rejected []int
		var progress int64
		sum, err := Analyze(context.Background(), NewReader(bytes.NewReader(input), FormatSplicewatch), detectors(t), &out, &Options{
			Workers: workers, Chunk: 16, Logger: quiet,
			OnLineError: func(e *LineError) { rejected = append(rejected, e.Line) },
			Progress:    func(n int64) { progress = n },
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Events != 100 || sum.Rejected != 1 || len(rejected) != 1 || rejected[0] != 7 {
			t.Errorf("summary %+v, rejected lines %v", sum, rejected)
		}
		for _, id := range []string{"SPW-001", "SPW-002", "SPW-010"} {
			if sum.Findings[id] != 10 {
				t.Errorf("%s: %d findings, want 10", id, sum.Findings[id])
			}
		}
		if progress != int64(len(input)) {
			t.Errorf("progress %d, want %d", progress, len(input))
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 30 {
			t.Fatalf("%d finding lines, want 30", len(lines))
		}
		prev := time.Time{}
		for _, l := range lines {
			f, err := event.DecodeFinding([]byte(l))
			if err != nil {
				t.Fatal(err)
			}
			if f.Event.Time.Before(prev) {
				t.Fatalf("findings out of input order")
			}
			prev = f.Event.Time
		}
		var text bytes.Buffer
		if err := sum.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "events read: 100\nlines rejected: 1\nfindings: 30\n") {
			t.Errorf("summary text %q", text.String())
		}
		outs = append(outs, out.String())
	}
	if outs[0] != outs[1] {
		t.Error("output differs between 1 and 3 workers")
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Analyze(ctx, NewReader(bytes.NewReader(recording(t, 10)), FormatSplicewatch), detectors(t), &bytes.Buffer{}, &Options{Logger: quiet})
	if err == nil {
		t.Fatal("Analyze with a cancelled context succeeded")
	}
}

// traceeRecording writes Tracee-format events for the example signature:
// vmsplice calls with and without EFAULT, from several processes, and
// other events it does not select.
func traceeRecording(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		name, ret := "vmsplice", int64(0)
		switch i % 5 {
		case 1:
			ret = -14
		case 2:
			name = "splice"
			ret = -14
		case 3:
			ret = 4096
		}
		fmt.Fprintf(&b, `{"timestamp":%d,"processId":%d,"threadId":%d,"parentProcessId":1,"hostProcessId":%d,"userId":0,`+
			`"processName":"p%d","hostName":"host1","containerId":"","eventName":%q,"returnValue":%d,"argsNum":3,`+
			`"args":[{"name":"fd","type":"int","value":%d},{"name":"iov","type":"const struct iovec*","value":%d},{"name":"nr_segs","type":"unsigned long","value":%d}]}`+"\n",
			1795694400000000000+int64(i), 200+i%3, 200+i%3, 200+i%3, i%3, name, ret, 3+i%4, uint64(0xffffffffff600000)-uint64(i), 1+i%2)
	}
	return b.Bytes()
}

// inlinableTracee reads arguments without helpers, so the engine copies it
// into the batch query instead of evaluating it under `with input`.
const inlinableTracee = `package tracee.SW_TEST_2

__rego_metadoc__ := {"id": "TEST-TRC-2", "version": "1", "name": "odd fd", "description": "d", "properties": {"Severity": 1}}

tracee_selected_events[s] {
	s := {"source": "tracee", "name": "vmsplice", "origin": "*"}
}

tracee_match = {"fd": arg.value, "ret": input.returnValue} {
	arg := input.args[_]
	arg.name == "fd"
	arg.value % 2 == 1
	input.processName != "p2"
}
`

// Tracee signatures give the same findings through analyze --input-format
// tracee as through OPA evaluating them directly on each Tracee event: the
// docs example (evaluated under `with input`, since it calls a helper that
// reads input) and a rule the engine inlines.
func TestTraceeRuleSameAsOPA(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "tracee", "vmsplice_efault.rego"))
	if err != nil {
		t.Fatal(err)
	}
	helpers, err := os.ReadFile(filepath.Join("..", "..", "rules", "lib", "tracee_helpers.rego"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"example.rego": example, "inline.rego": []byte(inlinableTracee)} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	input := traceeRecording(60)

	det, err := srego.Load(context.Background(), &srego.Options{
		Sources: []srego.Source{srego.DirSource(dir)},
		Library: []srego.Source{{Name: "lib", FS: rules.Lib()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Analyze(context.Background(), NewReader(bytes.NewReader(input), FormatTracee), []engine.Detector{det}, &out, &Options{Logger: quiet, Workers: runtime.GOMAXPROCS(0)}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f, err := event.DecodeFinding([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(f.Data)
		got = append(got, fmt.Sprintf("%d %s %s", f.Event.Time.UnixNano(), f.Rule.ID, data))
	}

	var mods []func(*rego.Rego)
	for file, src := range map[string][]byte{"example.rego": example, "inline.rego": []byte(inlinableTracee), "helpers.rego": helpers} {
		mod, err := ast.ParseModuleWithOpts(file, string(src), ast.ParserOptions{RegoVersion: ast.RegoV0})
		if err != nil {
			t.Fatal(err)
		}
		mods = append(mods, rego.ParsedModule(mod))
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(input)), "\n") {
		var raw map[string]any
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		if raw["eventName"] != "vmsplice" { // what both rules select
			continue
		}
		ts, _ := raw["timestamp"].(json.Number).Int64()
		for _, rule := range []struct{ pkg, id string }{{"SW_EXAMPLE_TRC_1", "EXAMPLE-TRC-1"}, {"SW_TEST_2", "TEST-TRC-2"}} {
			rs, err := rego.New(append(mods, rego.Query("data.tracee."+rule.pkg+".tracee_match"), rego.Input(raw))...).Eval(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 {
				continue
			}
			data, _ := json.Marshal(event.Normalize(rs[0].Expressions[0].Value))
			want = append(want, fmt.Sprintf("%d %s %s", ts, rule.id, data))
		}
	}
	if len(want) < 20 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("analyze:\n%s\nOPA directly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
