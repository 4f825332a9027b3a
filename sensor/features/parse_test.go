package features

import (
	"slices"
	"strings"
	"testing"
)

func TestParseKallsyms(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     bool
		variants []string
		wantErr  bool
	}{
		{"exact text symbol", "ffffffff81000000 T do_splice\n", true, nil, false},
		{"local text symbol", "ffffffff81000000 t do_splice\n", true, nil, false},
		{"data symbol ignored", "ffffffff81000000 D do_splice\n", false, nil, false},
		{"module symbol", "ffffffffc0000000 t do_splice\t[splice_mod]\n", true, nil, false},
		{"suffix variant", "0000000000000000 t do_splice.isra.0\n", false, []string{"do_splice.isra.0"}, false},
		{"prefix is not a match", "0000000000000000 T do_splice_direct\n", false, nil, false},
		{"malformed lines", "\n\nT\nffff T\nffff TT do_splice\n", false, nil, false},
		{"variants capped", strings.Repeat("0 t do_splice.part.0\n", 10), false,
			slices.Repeat([]string{"do_splice.part.0"}, maxVariants), false},
		{"overlong line", strings.Repeat("x", 70*1024) + "\n", false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := parseKallsyms(strings.NewReader(tt.in), []string{"do_splice"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			h := hits["do_splice"]
			if h.exact != tt.want || !slices.Equal(h.variants, tt.variants) {
				t.Errorf("got exact=%v variants=%v, want %v %v", h.exact, h.variants, tt.want, tt.variants)
			}
		})
	}
}

func TestFindTracefs(t *testing.T) {
	const (
		tracing = "36 24 0:12 / /sys/kernel/tracing rw,relatime shared:15 - tracefs nodev rw\n"
		debug   = "40 33 0:12 / /sys/kernel/debug/tracing rw,relatime - tracefs tracefs rw\n"
		other   = "41 24 0:12 / /mnt/trace rw,relatime - tracefs nodev rw\n"
		sysfs   = "24 29 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
		spoof   = "50 24 0:40 / /sys/kernel/tracing rw - tmpfs tracefs rw\n"
	)
	tests := []struct {
		name, in, want string
	}{
		{"standard", sysfs + tracing, "/sys/kernel/tracing"},
		{"debugfs automount", sysfs + debug, "/sys/kernel/debug/tracing"},
		{"prefers /sys/kernel/tracing", debug + tracing, "/sys/kernel/tracing"},
		{"elsewhere is not used", other, ""},
		{"not mounted", sysfs, ""},
		{"tmpfs named tracefs", spoof, ""},
		{"garbage", "- - -\n\x00 - tracefs\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findTracefs(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseLockdown(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"[none] integrity confidentiality", "none", false},
		{"none [integrity] confidentiality", "integrity", false},
		{"none integrity [confidentiality]\n", "confidentiality", false},
		{"none integrity confidentiality", "", true},
		{"[]", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := parseLockdown(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseLockdown(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestHasLSM(t *testing.T) {
	tests := []struct {
		list string
		want bool
	}{
		{"lockdown,capability,landlock,yama,apparmor,tomoyo,bpf", true},
		{"bpf", true},
		{"capability,bpfilter,selinux", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hasLSM(tt.list, "bpf"); got != tt.want {
			t.Errorf("hasLSM(%q) = %v, want %v", tt.list, got, tt.want)
		}
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    Mode
		wantErr bool
	}{
		{"auto", ModeAuto, false},
		{" FENTRY ", ModeFentry, false},
		{"kprobe", ModeKprobe, false},
		{"tracepoint", ModeTracepoint, false},
		{"lsm", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParseMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMode(%q) = %q, %v", tt.in, got, err)
		}
	}
}
