package rego

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// genTemplates are the bodies of generated rules: each is a realistic
// check on one event kind, parameterised by %[1]d so that every generated
// rule differs.
var genTemplates = []struct {
	events string
	body   string
}{
	{`{"splice"}`, `findings contains {"len": input.args.len} if {
	input.args.len > 838860%[1]d
	not input.process.comm in lib.setting("big_splice_comms", ["rsync"])
}`},
	{`{"splice"}`, `findings contains {"flag": "SPLICE_F_GIFT"} if {
	lib.has_flag(input, "SPLICE_F_GIFT")
	input.ret > %[1]d
}`},
	{`{"splice"}`, `findings contains {"off": input.args.off_in_value} if {
	input.args.len == 1
	input.args.off_in_value %% 4096 != 0
	input.process.uid != %[1]d
}`},
	{`{"splice", "tee"}`, `findings contains {"fd": input.args.fd_in} if {
	input.args.fd_in == input.args.fd_out
	input.process.pid > %[1]d
}`},
	{`{"sendfile"}`, `findings contains {"count": input.args.count} if {
	input.args.count > 107374182%[1]d
	input.process.uid == 0
}`},
	{`{"sendfile"}`, `findings contains {"fd": input.args.in_fd} if {
	input.args.in_fd == input.args.out_fd
	input.ret >= %[1]d
}`},
	{`{"sendfile", "splice"}`, `findings contains {"comm": input.process.comm} if {
	input.process.comm in {"nc", "ncat", "socat%[1]d"}
	input.ret > 0
}`},
	{`{"vmsplice"}`, `findings contains {"flags": input.args.flag_names} if {
	lib.has_flag(input, "SPLICE_F_GIFT")
	lib.has_flag(input, "SPLICE_F_NONBLOCK")
	not input.process.comm in {"criu", "parasite%[1]d"}
}`},
	{`{"vmsplice"}`, `findings contains {"nr_segs": input.args.nr_segs} if {
	input.args.nr_segs > lib.iov_max # variant %[1]d
}`},
	{`{"vmsplice"}`, `findings contains {"seg": i} if {
	some i, seg in input.args.iov
	seg.len > 104857%[1]d
}`},
}

// benchRules generates n rules over genTemplates.
func benchRules(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		tpl := genTemplates[i%len(genTemplates)]
		id := fmt.Sprintf("GEN-%03d", i)
		files[fmt.Sprintf("gen%03d.rego", i)] = fmt.Sprintf(`package splicewatch.rules.gen%03d

import data.splicewatch.lib

metadata := {"id": %q, "name": "generated rule %d", "severity": "low", "version": "1"}

events := %s

%s
`, i, id, i, tpl.events, fmt.Sprintf(tpl.body, i))
	}
	return files
}

// benchMix is a realistic event mix on a busy host: mostly Go io.Copy
// splices and web-server sendfiles, some benign vmsplice (uutils yes, CRIU)
// and tee, and a few suspicious vmsplice calls.
func benchMix(n int) []*event.Event {
	rng := rand.New(rand.NewPCG(1, 2))
	evs := make([]*event.Event, n)
	for i := range evs {
		pid := uint32(1000 + rng.IntN(64))
		var ev *event.Event
		switch p := rng.IntN(1000); {
		case p < 550:
			ev = splice(pid)
			ev.Args.Set("len", 1<<(10+rng.IntN(13)))
			ev.Args.Set("fd_in", 3+rng.IntN(40))
		case p < 900:
			ev = sendfile(pid)
			ev.Args.Set("count", 4096*(1+rng.IntN(256)))
		case p < 920:
			ev = &event.Event{Name: "tee", Time: t0, Process: event.Process{PID: pid, TID: pid, Comm: "tee"},
				Args: event.Args{{Name: "fd_in", Value: int64(3)}, {Name: "fd_out", Value: int64(4)}, {Name: "len", Value: int64(65536)}, {Name: "flags", Value: int64(0)}, {Name: "flag_names", Value: []any{}}}, Ret: 65536}
		case p < 990:
			ev = vmsplice(pid, 65536, 0)
			ev.Process.Comm = "yes"
			ev.Args.Set("iov", []any{map[string]any{"base": int64(94000000000000), "len": int64(65536)}})
			ev.Args.Set("overlong_first", -1)
		case p < 995:
			ev = vmsplice(pid, -32, 1)
		default:
			ev = vmsplice(pid, -14, 0)
			ev.Args.Set("kernel_segs", 1)
			ev.Args.Set("iov", []any{map[string]any{"base": uint64(0xffffffffff600000), "len": int64(4096)}})
		}
		evs[i] = ev
	}
	return evs
}

// benchSources is the shipped pack plus n generated rules.
func benchSources(n int) []Source {
	return append(packSources(), memSource("gen", benchRules(n)))
}

// eventNames lists, for a report, how many rules select each event name.
func eventNames(d *Detector) string {
	counts := map[string]int{}
	for _, r := range d.Info() {
		for _, e := range r.Events {
			counts[e]++
		}
	}
	var parts []string
	for _, name := range d.Events() {
		parts = append(parts, fmt.Sprintf("%s:%d", name, counts[name]))
	}
	return strings.Join(parts, " ")
}
