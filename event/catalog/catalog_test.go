package catalog

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

var knownTypes = []Type{TypeInt32, TypeInt64, TypeUint32, TypeUint64, TypeAddress, TypeString, TypeBool,
	TypeStrings, TypeObjects, TypeObject}

var knownTags = []Tag{TagKernel, TagUser, TagTOCTOU, TagOptional, TagDerived}

// TestDefinitionsWellFormed holds every definition to the rules the pages,
// the schema and Check rely on.
func TestDefinitionsWellFormed(t *testing.T) {
	all := All()
	names := Names()
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Fatalf("event names not sorted and unique: %v", names)
	}
	for _, e := range all {
		t.Run(e.Name, func(t *testing.T) {
			if e.Summary == "" || e.Description == "" || strings.HasSuffix(e.Summary, ".") {
				t.Errorf("summary %q (no final period) and description are required", e.Summary)
			}
			checkArgDefs(t, e.Args, true)
			if e.Syscall != "" {
				if len(e.Hooks) == 0 || e.Hooks[0].Mode != "tracepoint" || e.Hooks[0].Planned {
					t.Errorf("a syscall event needs its shipped tracepoint hooks first: %+v", e.Hooks)
				}
			}
			if len(e.Attacks) == 0 {
				t.Error("no attacks: say what the event reveals, or why it is captured")
			}
			for _, r := range e.Related {
				if r.Name == e.Name || !slices.Contains(names, r.Name) || r.Why == "" {
					t.Errorf("related %q: must be another defined event, with a reason", r.Name)
				}
			}
		})
	}
}

func checkArgDefs(t *testing.T, args []Arg, top bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range args {
		if seen[a.Name] || !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(a.Name) {
			t.Errorf("arg %q: duplicate or not snake_case", a.Name)
		}
		seen[a.Name] = true
		if !slices.Contains(knownTypes, a.Type) || a.Description == "" {
			t.Errorf("arg %s: type %q, description %q", a.Name, a.Type, a.Description)
		}
		for _, tag := range a.Tags {
			if !slices.Contains(knownTags, tag) {
				t.Errorf("arg %s: unknown tag %q", a.Name, tag)
			}
		}
		if a.Has(TagTOCTOU) && !a.Has(TagUser) {
			t.Errorf("arg %s: TOCTOU without U: only user memory is read twice", a.Name)
		}
		if (a.Type == TypeObjects || a.Type == TypeObject) != (len(a.Fields) > 0) {
			t.Errorf("arg %s: fields belong to, and only to, object and []object arguments", a.Name)
		}
		if a.Pattern != "" {
			if _, err := regexp.Compile(a.Pattern); err != nil {
				t.Errorf("arg %s: %v", a.Name, err)
			}
		}
		if len(a.Fields) > 0 {
			if !top && a.Type == TypeObjects {
				t.Errorf("arg %s: a list of objects is a top-level argument only", a.Name)
			}
			checkArgDefs(t, a.Fields, false)
		}
	}
}

// TestEnvelopeMatchesEvent holds the envelope fields to the JSON encoding
// of event.Event and event.Process: same names, and OPT exactly for the
// omitempty fields.
func TestEnvelopeMatchesEvent(t *testing.T) {
	env := Envelope()
	compareFields(t, "event", reflect.TypeFor[event.Event](), env)
	i := slices.IndexFunc(env, func(a Arg) bool { return a.Name == "process" })
	compareFields(t, "process", reflect.TypeFor[event.Process](), env[i].Fields)
}

func compareFields(t *testing.T, what string, typ reflect.Type, defs []Arg) {
	t.Helper()
	var want []string
	for f := range typ.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		opt := ""
		if strings.Contains(opts, "omitempty") {
			opt = " OPT"
		}
		want = append(want, name+opt)
	}
	var got []string
	for _, d := range defs {
		opt := ""
		if d.Has(TagOptional) {
			opt = " OPT"
		}
		got = append(got, d.Name+opt)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s fields:\n got %v\nwant %v (from the Go struct)", what, got, want)
	}
}

// TestVmspliceKernelFacts pins the vmsplice page to the facts in
// kernel-facts.md that hand-written pages have got wrong.
func TestVmspliceKernelFacts(t *testing.T) {
	e, ok := Lookup(event.NameVmsplice)
	if !ok {
		t.Fatal("no vmsplice definition")
	}
	p, err := NewPage(e, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	page := string(p.Markdown())
	for _, fact := range []string{
		"SPLICE_F_MOVE (0x01) is unused by vmsplice", "SPLICE_F_NONBLOCK (0x02)", "SPLICE_F_MORE (0x04)",
		"SPLICE_F_GIFT (0x08)", "There is no VMSPLICE_F_MOVE flag", "IOV_MAX (1024)", "0x7ffff000",
		"16 pages (64 KiB", "**write end**, the user pages described by `iov` are pinned and placed in the pipe",
		"**read end**, data is copied out of the pipe **into** the user buffers", "EBADF",
		"`tracepoint/syscalls/sys_enter_vmsplice`", "`tracepoint/syscalls/sys_exit_vmsplice`",
		"0x7ffffffff000 (140737488351232)",
	} {
		if !strings.Contains(page, fact) {
			t.Errorf("vmsplice page lacks %q", fact)
		}
	}
	if n, m := strings.Count(page, "VMSPLICE_F_"), strings.Count(page, "no VMSPLICE_F_MOVE"); n != m {
		t.Errorf("the page names a VMSPLICE_F_* flag other than to say it does not exist")
	}
	for _, h := range e.Hooks {
		for _, pt := range h.Points {
			if fn := pt[strings.IndexByte(pt, '/')+1:]; h.Mode != "tracepoint" && fn != "__x64_sys_vmsplice" &&
				fn != "__ia32_sys_vmsplice" {
				t.Errorf("%s hook %q: the kprobe and fentry modes attach to __x64_sys_vmsplice and __ia32_sys_vmsplice", h.Mode, pt)
			}
		}
	}
}

func TestLookupAndSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"vmsplice", "vmsplice"},
		{"vmsplce", "vmsplice"},
		{"VMSPLICE", "vmsplice"},
		{"splise", "splice"},
		{"send", "sendfile"},
		{"events-lost", "events_lost"},
		{"openat", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if _, ok := Lookup("vmsplce"); ok {
		t.Error("Lookup accepted a misspelt name")
	}
	for _, n := range Names() {
		if e, ok := Lookup(n); !ok || e.Name != n {
			t.Errorf("Lookup(%q) = %q, %v", n, e.Name, ok)
		}
	}
}

func TestRulesFor(t *testing.T) {
	rules := []Rule{
		{ID: "SPW-010", Name: "b", Events: []string{"vmsplice"}},
		{ID: "SPW-002", Name: "a", Events: []string{"splice", "vmsplice"}},
		{ID: "SPW-005", Name: "c", Events: []string{"splice"}},
	}
	var ids []string
	for _, r := range RulesFor("vmsplice", rules) {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"SPW-002", "SPW-010"}) {
		t.Errorf("RulesFor(vmsplice) = %v", ids)
	}
	if got := RulesFor("tee", rules); got == nil || len(got) != 0 {
		t.Errorf("RulesFor(tee) = %#v, want an empty list", got)
	}
}

// TestPagesStateFacts pins the pages of the newer facts to what the sensor
// and the kernel really do (bpf/include/sw_*.h, kernel-facts.md).
func TestPagesStateFacts(t *testing.T) {
	tests := []struct {
		event string
		facts []string
	}{
		{event.NameVmsplice, []string{
			"`kprobe/__x64_sys_vmsplice`", "`kretprobe/__x64_sys_vmsplice`", "`fentry/__x64_sys_vmsplice`",
			"`fexit/__x64_sys_vmsplice`", "vmsplice_to_pipe and vmsplice_to_user are inlined",
			"`compat: true`", "`sensor.compat_syscalls: on`", "`kprobe/__ia32_sys_vmsplice`", "`fd_info.pipe.buf_flags` | uint32 | K | Always 0",
			"the legacy vsyscall page (0xffffffffff600000)", "CVE-2024-26808",
		}},
		{event.NameSplice, []string{
			"PIPE_BUF_FLAG_CAN_MERGE (0x10)", "`fd_in_info.can_write` false", "len` below 4096",
			"`fd_out_info.pipe.buf_flags` | uint32 | K | The flags of the newest buffer", "the file position (`f_pos`)",
			"`fd_in_info.pipe.wrapped` | bool | K, derived |",
		}},
		{event.NamePageRace, []string{
			"CVE-2020-29374", "`tracepoint/syscalls/sys_enter_munmap`", "`tracepoint/syscalls/sys_enter_madvise`",
			"`tracepoint/syscalls/sys_enter_mremap`", "`tp_btf/sched_process_fork`",
			"MADV_DONTNEED 4, MADV_FREE 8, MADV_REMOVE 9 or MADV_DONTNEED_LOCKED 24", "in every attach mode",
			"A synthetic event",
		}},
		{event.NameEventsThrottled, []string{"`window_ns`", "`throttled`", "`limit`", "`sw_rates`", "counted but still reported"}},
		{event.NameProcessExit, []string{"`exit_code`", "exit(3) gives 768", "`tp_btf/sched_process_exit`", "`signal->live`"}},
		{event.NameProcessExec, []string{"`filename`", "`old_pid`", "`tracepoint/sched/sched_process_exec`", "`__data_loc filename`"}},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			e, ok := Lookup(tt.event)
			if !ok {
				t.Fatalf("no %s definition", tt.event)
			}
			p, err := NewPage(e, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			page := string(p.Markdown())
			for _, fact := range tt.facts {
				if !strings.Contains(page, fact) {
					t.Errorf("%s page lacks %q", tt.event, fact)
				}
			}
		})
	}
}
