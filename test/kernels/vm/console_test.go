package vm

import (
	"strings"
	"testing"
	"time"
)

func TestParseMarker(t *testing.T) {
	const tok = "0123abcd"
	tests := []struct {
		name, line string
		want       Marker
		ok         bool
	}{
		{"booted", "SPLICEWATCH-BOOTED 0123abcd uptime=2.31", Marker{Kind: MarkBooted, Exit: -1, Uptime: 2310 * time.Millisecond}, true},
		{"start", "SPLICEWATCH-START 0123abcd run=fentry uptime=2.5\r", Marker{Kind: MarkStart, Run: "fentry", Exit: -1, Uptime: 2500 * time.Millisecond}, true},
		{"result", "SPLICEWATCH-RESULT 0123abcd run=kprobe exit=1 uptime=9", Marker{Kind: MarkResult, Run: "kprobe", Exit: 1, Uptime: 9 * time.Second}, true},
		{"result after output", "PASSSPLICEWATCH-RESULT 0123abcd run=tp exit=0", Marker{Kind: MarkResult, Run: "tp", Exit: 0}, true},
		{"done", "SPLICEWATCH-DONE 0123abcd", Marker{Kind: MarkDone, Exit: -1}, true},
		{"other token", "SPLICEWATCH-RESULT ffffffff run=x exit=0", Marker{}, false},
		{"longer token", "SPLICEWATCH-RESULT 0123abcdef run=x exit=0", Marker{}, false},
		{"result without exit", "SPLICEWATCH-RESULT 0123abcd run=x", Marker{}, false},
		{"result without run", "SPLICEWATCH-RESULT 0123abcd exit=0", Marker{}, false},
		{"exit out of range", "SPLICEWATCH-RESULT 0123abcd run=x exit=256", Marker{}, false},
		{"negative exit", "SPLICEWATCH-RESULT 0123abcd run=x exit=-1", Marker{}, false},
		{"exit twice", "SPLICEWATCH-RESULT 0123abcd run=x exit=1 exit=0", Marker{}, false},
		{"unknown field", "SPLICEWATCH-RESULT 0123abcd run=x exit=0 pass=1", Marker{}, false},
		{"bad uptime", "SPLICEWATCH-BOOTED 0123abcd uptime=NaN", Marker{}, false},
		{"plain output", "--- PASS: TestProbe (0.27s)", Marker{}, false},
		{"marker without token", "SPLICEWATCH-DONE", Marker{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseMarker(tt.line, tok)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseMarker(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
	if _, ok := ParseMarker("SPLICEWATCH-DONE ", ""); ok {
		t.Error("an empty token matched")
	}
}

func TestArgsNeverKVM(t *testing.T) {
	args := (&Config{Kernel: "k", Initrd: "i", Append: "lsm=bpf"}).Args()
	joined := " " + strings.Join(args, " ") + " "
	for _, bad := range []string{"-enable-kvm", "accel kvm", "accel=kvm"} {
		if strings.Contains(joined, bad) {
			t.Errorf("qemu args contain %q: %v", bad, args)
		}
	}
	for _, want := range []string{" -accel tcg ", " -m 1024 ", "console=ttyS0 panic=-1 quiet lsm=bpf", " -no-reboot "} {
		if !strings.Contains(joined, want) {
			t.Errorf("qemu args lack %q: %v", want, args)
		}
	}
}
