package rego

import (
	"fmt"
	"strings"
)

// span is the rows [from, to] of a generated module that hold one
// inlined rule.
type span struct {
	from, to int
	rule     int
}

// batchModule generates the package that evaluates, in one query, every
// rule in idx over the events it sees, in the shape it reads (input.events
// native, input.tracee Tracee's); input.active[p] lists the indices of the
// events rule p of the batch sees. Unguarded native rules see every event:
// they are evaluated together, under one `with input` per event. Guarded
// and Tracee rules are evaluated one by one, on their own events only. The
// query yields [event index, [rule index, finding data]] tuples. The spans
// say which rows hold which inlined rule, to attribute errors.
func batchModule(pkg string, rules []*rule, idx []int) (string, []span) {
	var b strings.Builder
	var spans []span
	row := func() int { return strings.Count(b.String(), "\n") + 1 }
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	shared := -1
	for p, i := range idx {
		r := rules[i]
		switch {
		case r.inline != nil:
			src := "events"
			if r.info.Format == FormatTracee {
				src = "tracee"
			}
			from := row()
			for j, body := range r.inline.bodies {
				fmt.Fprintf(&b, "out contains [%s, [%d, %s]] if {\n\tsome %s in input.active[%d]\n\t%s := input.%s[%s]\n\t%s\n\t%s := %s\n",
					varIndex, i, varValue, varIndex, p, varEvent, src, varIndex, body, varValue, r.inline.values[j])
				if r.info.Format == FormatTracee {
					fmt.Fprintf(&b, "\t%s != false\n", varValue)
				}
				b.WriteString("}\n")
			}
			spans = append(spans, span{from: from, to: row() - 1, rule: i})
		case r.info.Format == FormatTracee:
			fmt.Fprintf(&b, "out contains [i, [%d, m]] if { some i in input.active[%d]; ev := input.tracee[i]; m := %s.tracee_match with input as ev; m != false }\n", i, p, r.pkg)
		case r.guard == nil:
			fmt.Fprintf(&b, "unguarded contains [%d, f] if some f in %s.findings\n", i, r.pkg)
			if shared < 0 {
				shared = p
			}
		default:
			fmt.Fprintf(&b, "out contains [i, [%d, f]] if { some i in input.active[%d]; ev := input.events[i]; found := %s.findings with input as ev; some f in found }\n", i, p, r.pkg)
		}
	}
	if shared >= 0 {
		fmt.Fprintf(&b, "out contains [i, t] if { some i in input.active[%d]; ev := input.events[i]; found := unguarded with input as ev; some t in found }\n", shared)
	}
	return b.String(), spans
}

// aloneQuery evaluates one rule over the events in input.active, yielding
// [event index, finding data] pairs; it isolates a rule that failed in a
// batch query.
func aloneQuery(r *rule) string {
	if r.info.Format == FormatTracee {
		return fmt.Sprintf("x := [[i, m] | some i in input.active; ev := input.tracee[i]; m := %s.tracee_match with input as ev; m != false]", r.pkg)
	}
	return fmt.Sprintf("x := [[i, f] | some i in input.active; ev := input.events[i]; found := %s.findings with input as ev; some f in found]", r.pkg)
}
