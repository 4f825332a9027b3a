package sensor

import (
	"slices"
	"testing"

	"github.com/splicewatch/splicewatch/sensor/features"
)

func TestParseCompat(t *testing.T) {
	tests := []struct {
		in   string
		want Compat
		err  bool
	}{
		{"", CompatAuto, false},
		{"auto", CompatAuto, false},
		{" ON ", CompatOn, false},
		{"off", CompatOff, false},
		{"yes", "", true},
	}
	for _, tt := range tests {
		got, err := ParseCompat(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseCompat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// report returns a probe report whose hooks are the named functions, each
// found in both BTF and kallsyms; the kernel has a 32-bit entry when its
// vmsplice wrapper is among them, as features.Probe decides.
func report(funcs ...string) *features.Report {
	r := &features.Report{}
	for _, f := range funcs {
		r.Hooks = append(r.Hooks, features.Hook{Name: f, BTF: true, Kallsyms: true})
		r.IA32.Available = r.IA32.Available || f == "__ia32_sys_vmsplice"
	}
	return r
}

func TestCompatPlan(t *testing.T) {
	all := report("__ia32_sys_vmsplice", "__ia32_sys_splice", "__ia32_sys_tee", "__ia32_sys_sendfile64",
		"__ia32_compat_sys_sendfile64", "__ia32_compat_sys_sendfile")
	// 6.1 has no compat sendfile64 wrapper: sendfile64 is covered by the other.
	old := report("__ia32_sys_vmsplice", "__ia32_sys_splice", "__ia32_sys_tee", "__ia32_sys_sendfile64",
		"__ia32_compat_sys_sendfile")
	partial := report("__ia32_sys_vmsplice", "__ia32_sys_splice")
	none := report("__x64_sys_vmsplice")
	tests := []struct {
		name    string
		r       *features.Report
		mode    features.Mode
		setting Compat
		hooks   []string
		raw     bool
		how     string
	}{
		{"fentry auto hooks all", all, features.ModeFentry, CompatAuto, compatCalls, false, compatHooks},
		{"kprobe on hooks all", all, features.ModeKprobe, CompatOn, compatCalls, false, compatHooks},
		{"kprobe old kernel", old, features.ModeKprobe, CompatAuto,
			[]string{"ia32vmsplice", "ia32splice", "ia32tee", "ia32sendfile64", "ia32compatsendfile"}, false, compatHooks},
		{"tracepoint auto leaves them", all, features.ModeTracepoint, CompatAuto, nil, false, ""},
		{"tracepoint on uses raw", all, features.ModeTracepoint, CompatOn, nil, true, compatRawTP},
		{"kprobe wrappers missing, auto", partial, features.ModeKprobe, CompatAuto, nil, false, ""},
		{"kprobe wrappers missing, on", partial, features.ModeKprobe, CompatOn, nil, true, compatRawTP},
		{"off", all, features.ModeFentry, CompatOff, nil, false, ""},
		{"no ia32 entry", none, features.ModeTracepoint, CompatOn, nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hooks, raw, how, note := compatPlan(tt.r, tt.mode, tt.setting)
			if !slices.Equal(hooks, tt.hooks) || raw != tt.raw || how != tt.how {
				t.Errorf("compatPlan = %v, raw %v, %q; want %v, raw %v, %q", hooks, raw, how, tt.hooks, tt.raw, tt.how)
			}
			if (how == "") != (note != "") {
				t.Errorf("note %q with how %q: a reason is given exactly when 32-bit calls go unwatched", note, how)
			}
		})
	}
}
