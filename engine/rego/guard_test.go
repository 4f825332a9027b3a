package rego

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// Guards never skip an event a rule matches, and skip what they can: each
// body is checked against the naive evaluation (no guards) on a set of
// events chosen to sit on both sides of every comparison.
func TestGuardMatchesOPA(t *testing.T) {
	bodies := []struct {
		body    string
		guarded bool
	}{
		{`input.args.len > 16384`, true},
		{`input.args.len == "4194304"`, true}, // string vs number: never equal
		{`input.args.len < "a"`, true},        // numbers sort before strings
		{`input.args.missing != 1`, true},     // undefined fails the body
		{`input.process.comm in {"server", "x"}`, true},
		{`"SPLICE_F_NONBLOCK" in input.args.flag_names`, true},
		{`input.args.len >= data.splicewatch.config.min_len`, true},
		{`input.ret == lib.errno.EPIPE`, true},
		{`not input.args.len > 5`, false},
		{`input.args.iov[0].len > 10`, true},
		{`input.process.exe == ""`, true}, // omitted when empty
		{`input.host == "h1"`, true},
		{`input.duration_ns > 0`, true},
		{`input.args.fd_in == input.args.fd_out`, true},
		{`lib.has_flag(input, "SPLICE_F_NONBLOCK")`, true},
		{`input.args.flag_names == []`, true},
		{`input.process.uid = 0`, true},
		{`input.args.len > 1; input.process.container_id == "abc123"`, true},
		{`some x in input.args.flag_names; startswith(x, "SPLICE_F_M")`, false},
		{`x := input.args.len * 2; x > 100`, false},
		{`input.ret < -14`, true},
		{`input.args.overlong_first_len >= 18446744073709551615`, true},
		{`input.args.iov_addr >= 140737488351232`, true},
		{`input.args.iov_read_error == false`, true},
		{`input.process.pid != 7`, true},
		{`input.name == "vmsplice"`, true},
		{`object.get(input.args, "overlong_segs", null) == null`, true},
		{`object.get(input.args, "fd_in", 0) == 5`, true},
		{`object.get(input.process, "exe", "none") == "none"`, true},
		{`object.get(input.args, "len", 0) > 100`, false},
	}
	files := map[string]string{}
	for i, b := range bodies {
		files[fmt.Sprintf("r%02d.rego", i)] = fmt.Sprintf(`package splicewatch.rules.r%02d

import data.splicewatch.lib

metadata := {"id": "R%02d", "name": "r", "severity": "low"}

events := {"splice", "vmsplice"}

findings contains {"n": %d} if {
	%s
}
`, i, i, i, b.body)
	}
	srcs := []Source{memSource("g", files), {Name: "lib", FS: packSources()[0].FS}}
	cfg := map[string]any{"min_len": 65536}
	d := mustLoad(t, &Options{Sources: srcs, Config: cfg})
	for i, b := range bodies {
		if got := d.rules[slices.IndexFunc(d.rules, func(r *rule) bool { return r.info.ID == fmt.Sprintf("R%02d", i) })].guard != nil; got != b.guarded {
			t.Errorf("%s: guarded = %v, want %v", b.body, got, b.guarded)
		}
	}
	n := newNaiveWithConfig(t, d, srcs, cfg)

	var evs []*event.Event
	for _, l := range []int64{0, 1, 16384, 16385, 65536, 4194304} {
		ev := splice(7)
		ev.Args.Set("len", l)
		evs = append(evs, ev)
	}
	same := splice(8)
	same.Args.Set("fd_out", 5)
	same.Process.UID, same.Process.Exe, same.Host, same.DurationNS = 0, "", "", 0
	same.Process.ContainerID = "abc123"
	noflags := splice(9)
	noflags.Args.Set("flag_names", []any{})
	noflags.Args.Set("len", "4194304")
	evs = append(evs, same, noflags, vmsplice(1, -32, 1), vmsplice(2, 0, 0))

	plain := mustLoad(t, &Options{Sources: srcs, Config: cfg, noGuards: true, noInline: true})
	for _, ev := range evs {
		var got, gotPlain, want []string
		if err := d.Evaluate(context.Background(), ev, func(f *event.Finding) { got = append(got, f.Rule.ID) }); err != nil {
			t.Fatal(err)
		}
		if err := plain.Evaluate(context.Background(), ev, func(f *event.Finding) { gotPlain = append(gotPlain, f.Rule.ID) }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(gotPlain)
		n.evaluate(context.Background(), ev, asMap(t, ev), func(f *event.Finding) { want = append(want, f.Rule.ID) })
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || !slices.Equal(gotPlain, want) {
			t.Errorf("event %s len=%v: engine %v, without guards or inlining %v, naive %v", ev.Name, func() any { v, _ := ev.Args.Get("len"); return v }(), got, gotPlain, want)
		}
	}
}

// lookup gives, for every path into an event, what EventValue holds there.
func TestLookupMatchesEventValue(t *testing.T) {
	ev := vmsplice(3, -14, 1)
	ev.Args.Set("fd_in_info", map[string]any{"type": "pipe", "inode": 77})
	ev.DurationNS = 99
	whole := ast.NewTerm(EventValue(ev))
	var walk func(path ast.Ref, t *ast.Term)
	count := 0
	walk = func(path ast.Ref, want *ast.Term) {
		got, ok := lookup(ev, path)
		if !ok || !got.Equal(want) {
			t.Errorf("lookup(%v) = %v, %v; want %v", path, got, ok, want)
		}
		count++
		switch v := want.Value.(type) {
		case ast.Object:
			v.Foreach(func(k, x *ast.Term) { walk(append(path.Copy(), k), x) })
		case *ast.Array:
			for i := range v.Len() {
				walk(append(path.Copy(), ast.InternedTerm(i)), v.Elem(i))
			}
		}
	}
	walk(ast.Ref{}, whole)
	if count < 30 {
		t.Fatalf("walked only %d paths", count)
	}
	for _, p := range []string{"nope", "args.nope", "args.iov.x", "args.iov[5]", "process.comm.x", "process.nope", "ret.x"} {
		ref := ast.MustParseRef("input." + p)[1:]
		if v, ok := lookup(ev, ref); ok {
			t.Errorf("lookup(%s) = %v, want undefined", p, v)
		}
	}
	empty := &event.Event{Name: "tee"}
	for _, p := range []string{"host", "duration_ns", "process.exe", "process.cgroup_id", "process.container_id"} {
		if v, ok := lookup(empty, ast.MustParseRef("input." + p)[1:]); ok {
			t.Errorf("lookup(%s) on empty event = %v, want undefined", p, v)
		}
	}
}

func TestCmpRawInt(t *testing.T) {
	for _, tc := range []struct {
		a, b raw
		want int
	}{
		{rawInt64(-5), rawInt64(-4), -1},
		{rawInt64(-4), rawInt64(-5), 1},
		{rawInt64(-1), rawUint64(18446744073709551615), -1},
		{rawUint64(18446744073709551615), rawInt64(9223372036854775807), 1},
		{rawUint64(18446744073709551615), rawUint64(9223372036854775808), 1},
		{rawInt64(7), rawUint64(7), 0},
		{rawInt64(-9223372036854775808), rawInt64(-1), -1},
	} {
		if got := cmpRawInt(&tc.a, &tc.b); got != tc.want {
			t.Errorf("cmpRawInt(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
