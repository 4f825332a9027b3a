package sensor

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

var update = flag.Bool("update", false, "rewrite testdata/decode.golden from the decoders")

// dumpValue writes v with its Go type, recursively, one argument a line,
// so that a change of value or of type (int64 against uint64, Args against
// a map) shows.
func dumpValue(b *strings.Builder, indent string, v any) {
	switch x := v.(type) {
	case event.Args:
		b.WriteString("Args{\n")
		for _, a := range x {
			fmt.Fprintf(b, "%s  %s: ", indent, a.Name)
			dumpValue(b, indent+"  ", a.Value)
		}
		b.WriteString(indent + "}\n")
	case []any:
		fmt.Fprintf(b, "[]any len %d [\n", len(x))
		for _, e := range x {
			b.WriteString(indent + "  ")
			dumpValue(b, indent+"  ", e)
		}
		b.WriteString(indent + "]\n")
	default:
		fmt.Fprintf(b, "%T(%#v)\n", v, v)
	}
}

// dumpEvent renders every field of ev.
func dumpEvent(ev *event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name %q time %s host %q ret %d duration_ns %d\nprocess %#v\nargs ",
		ev.Name, ev.Time.UTC().Format(time.RFC3339Nano), ev.Host, ev.Ret, ev.DurationNS, ev.Process)
	dumpValue(&b, "", ev.Args)
	return b.String()
}

// TestDecodeGolden pins the exact events, types included, that the
// decoders make from the catalogue samples and the benchmark records:
// optimising a decoder must not change a field. Run with -update to
// accept a deliberate change.
func TestDecodeGolden(t *testing.T) {
	clk := monoClock{offset: time.Second}
	var b strings.Builder
	samples := catalogSamples()
	samples[kindVmsplice] = append(samples[kindVmsplice], benchVmsplice(4321))
	samples[kindSendfile] = append(samples[kindSendfile], benchSendfile(4321))
	// One memory for all, as the sensor decodes: nothing of an event may
	// leak into the next.
	mem := new(decodeMem)
	for _, kind := range slices.Sorted(maps.Keys(samples)) {
		for i, raw := range samples[kind] {
			ev, err := mem.decode(raw, clk)
			if err != nil {
				t.Fatalf("kind %d sample %d: %v", kind, i, err)
			}
			fmt.Fprintf(&b, "=== kind %d sample %d\n%s", kind, i, dumpEvent(ev))
		}
	}
	const file = "testdata/decode.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("decoded events differ from %s at line %d:\n got %s\nwant %s", file, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("decoded events differ from %s in length: %d lines, want %d", file, len(gl), len(wl))
	}
}
