package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/event/catalog/catalogtest"
)

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../.."

// TestGeneratedDocsUpToDate regenerates the event pages and the JSON Schema
// and fails when the committed files differ: change event/catalog, then run
// `make docs`.
func TestGeneratedDocsUpToDate(t *testing.T) {
	stale, err := genDocs(t.Context(), repoRoot, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("generated docs differ from the committed ones, run `make docs`: %s", strings.Join(stale, ", "))
	}
	// The committed schema is the one users get: it must compile and
	// accept the committed examples.
	schema, err := os.ReadFile(filepath.Join(repoRoot, catalog.SchemaPath))
	if err != nil {
		t.Fatal(err)
	}
	v, err := catalogtest.CompileSchema(schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range catalog.All() {
		name := def.Name
		b, err := os.ReadFile(filepath.Join(repoRoot, catalog.DocsDir, "examples", catalog.ExamplePath(name)))
		if def.Pending != "" {
			continue // not emitted yet: no example
		}
		if err != nil {
			t.Errorf("no example for %s: %v", name, err)
			continue
		}
		if err := v.Validate(b); err != nil {
			t.Errorf("committed schema rejects the %s example: %v", name, err)
		}
	}
}

// TestGenDocsWrites regenerates into a scratch tree and checks that a stale
// page is removed and every file is written.
func TestGenDocsWrites(t *testing.T) {
	root := t.TempDir()
	ex := filepath.Join(root, catalog.DocsDir, "examples")
	if err := os.MkdirAll(ex, 0o755); err != nil {
		t.Fatal(err)
	}
	stalePage := filepath.Join(root, catalog.DocsDir, "openat.md")
	if err := os.WriteFile(stalePage, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	written, err := genDocs(t.Context(), root, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(catalog.Names()) + 3; len(written) != want { // pages, index, schema, stale page
		t.Errorf("wrote %d files, want %d: %v", len(written), want, written)
	}
	if _, err := os.Stat(stalePage); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale page not removed: %v", err)
	}
	if again, err := genDocs(t.Context(), root, false); err != nil || len(again) != 0 {
		t.Errorf("after writing, still differs: %v, %v", again, err)
	}
	page, _ := os.ReadFile(filepath.Join(root, catalog.DocsDir, "tee.md"))
	if !bytes.Contains(page, []byte("No example recorded yet")) {
		t.Error("a page without an example does not say so")
	}
}

// runEvents runs `splicewatch events ARGS...` and returns its output.
func runEvents(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newEventsCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestEventsCommand(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		usage bool     // a usage error (exit code 2)
		want  []string // in the output, or in the error
	}{
		{"list", []string{"list"}, false, []string{"EVENT", "vmsplice", "events_lost", "User pages spliced into a pipe"}},
		{"describe", []string{"describe", "vmsplice"}, false, []string{
			"ARGUMENTS", "kernel_first_base (address) [derived, U, TOCTOU, OPT]",
			"tracepoint (shipped): tracepoint/syscalls/sys_enter_vmsplice",
			"SPW-001", "There is no VMSPLICE_F_MOVE flag", `"name": "vmsplice"`}},
		{"describe synthetic", []string{"describe", "events_lost"}, false, []string{"None: the sensor emits this event from user space"}},
		{"unknown with suggestion", []string{"describe", "vmsplce"}, true, []string{`unknown event "vmsplce"`, `did you mean "vmsplice"?`}},
		{"unknown without suggestion", []string{"describe", "openat"}, true, []string{`unknown event "openat"`, "known: events_lost, events_throttled, page_race"}},
		{"no name", []string{"describe"}, true, []string{"one event name"}},
		{"unknown subcommand", []string{"descibe", "vmsplice"}, true, []string{`unknown command "descibe"`}},
		{"help", []string{}, false, []string{"list", "describe"}},
		{"bad output", []string{"describe", "tee", "-o", "yaml"}, true, []string{`--output "yaml"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runEvents(t, tt.args...)
			var ue usageError
			if tt.usage != errors.As(err, &ue) {
				t.Fatalf("error %v: want a usage error: %v", err, tt.usage)
			}
			if err != nil && !tt.usage {
				t.Fatal(err)
			}
			if err != nil {
				out = err.Error()
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestEventsDescribeJSON(t *testing.T) {
	out, err := runEvents(t, "describe", "splice", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var page catalog.Page
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	def, _ := catalog.Lookup("splice")
	if page.Name != "splice" || len(page.Args) != len(def.Args) || page.Rules == nil || len(page.Example) == 0 {
		t.Errorf("page: name %q, %d args (want %d), rules %v, example %d bytes",
			page.Name, len(page.Args), len(def.Args), page.Rules, len(page.Example))
	}
	a, ok := page.Arg("off_in_value")
	if !ok || a.Type != catalog.TypeInt64 || !a.Has(catalog.TagTOCTOU) || !a.Has(catalog.TagOptional) {
		t.Errorf("off_in_value: %+v", a)
	}

	out, err = runEvents(t, "list", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var list []struct{ Name, Summary string }
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != len(catalog.Names()) {
		t.Errorf("list -o json: %v, %d entries\n%s", err, len(list), out)
	}
}

// TestShippedRules checks that the pages see both kinds of shipped rules:
// the Go signatures and the embedded Rego pack, each with a source that
// exists in the repository.
func TestShippedRules(t *testing.T) {
	got, err := shippedRules(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]catalog.Rule{}
	for _, r := range got {
		ids[r.ID] = r
		if len(r.Events) == 0 {
			t.Errorf("%s selects no event", r.ID)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, r.Source)); err != nil {
			t.Errorf("%s: source %q: %v", r.ID, r.Source, err)
		}
	}
	for _, id := range []string{"SPW-001", "SPW-002", "SPW-010"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("%s missing from the shipped rules %v", id, got)
		}
	}
	if src := ids["SPW-002"].Source; !strings.HasPrefix(src, "rules/") || !strings.HasSuffix(src, ".rego") {
		t.Errorf("SPW-002 source %q, want a file of rules/", src)
	}
}
