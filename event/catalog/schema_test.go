package catalog_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/event/catalog/catalogtest"
)

const examplesDir = "../../docs/events/examples"

// TestExamplesValid validates the committed real events (captured by
// test/e2e) against both the schema and the definitions. An event the
// sensor does not emit yet (Pending) has no example, and must not have one.
func TestExamplesValid(t *testing.T) {
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range catalog.All() {
		name := def.Name
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(examplesDir, catalog.ExamplePath(name)))
			if def.Pending != "" {
				if err == nil {
					t.Errorf("%s has an example, but the definition says it is not emitted yet", name)
				}
				return
			}
			if err != nil {
				t.Fatalf("every event needs a real example (see TestWriteExamples in test/e2e): %v", err)
			}
			if err := v.Validate(b); err != nil {
				t.Errorf("schema: %v", err)
			}
			ev, err := event.DecodeEvent(b)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Name != name {
				t.Errorf("%s holds a %s event", catalog.ExamplePath(name), ev.Name)
			}
			if err := catalog.Check(ev); err != nil {
				t.Errorf("definition: %v", err)
			}
		})
	}
}

// TestSchemaRejects makes sure the schema is not vacuous: each change
// to a real event breaks it.
func TestSchemaRejects(t *testing.T) {
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(examplesDir, "vmsplice.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(orig); err != nil {
		t.Fatalf("the unchanged example is invalid: %v", err)
	}
	tests := []struct{ name, old, new string }{
		{"unknown event name", `"name": "vmsplice"`, `"name": "openat"`},
		{"args of another event", `"name": "vmsplice"`, `"name": "tee"`},
		{"undefined argument", `"fd": `, `"fd_desc": 1, "fd": `},
		{"undefined fd description field", `"type": "pipe",`, `"type": "pipe", "colour": 1,`},
		{"unknown fd type", `"type": "pipe",`, `"type": "fifo",`},
		{"fd description not an object", `"fd_info": {`, `"fd_info": 1, "x": {`},
		{"undefined pipe field", `"end": "write",`, `"end": "write", "spare": 0,`},
		{"unknown pipe end", `"end": "write",`, `"end": "middle",`},
		{"unknown pipe buffer flag", `"buf_flag_names": [`, `"buf_flag_names": ["MERGE"`},
		{"bad perm", `"perm": "0`, `"perm": "9`},
		{"missing required argument", `"nr_segs": 4,`, ``},
		{"address above 2^64", `"kernel_first_base": 18446744073699065856`, `"kernel_first_base": 18446744073709551616`},
		{"negative address", `"iov_addr": `, `"iov_addr": -`},
		{"fd out of int32 range", `"fd": `, `"fd": 1000000000`},
		{"bad time", `"time": "2026`, `"time": "yesterday 2026`},
		{"unknown flag name", `"SPLICE_F_NONBLOCK"`, `"VMSPLICE_F_MOVE"`},
		{"unknown process field", `"pid": `, `"sid": 1, "pid": `},
		{"unknown top-level field", `"ret": `, `"retval": 1, "ret": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(orig, []byte(tt.old)) {
				t.Fatalf("example lacks %q", tt.old)
			}
			bad := strings.Replace(string(orig), tt.old, tt.new, 1)
			if err := v.Validate([]byte(bad)); err == nil {
				t.Errorf("schema accepted the event with %s", tt.name)
			}
		})
	}
}
