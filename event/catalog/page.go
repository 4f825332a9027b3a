package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// Rule is the part of a shipped rule's metadata the pages need: which
// events it selects. The caller supplies the list (from the engine), so
// the pages always name the rules that really ship.
type Rule struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Events []string `json:"events"`
	// Source is the rule's file or folder, relative to the repository
	// root, for a link; empty for none.
	Source string `json:"source,omitempty"`
}

// Page is everything the documentation says about one event: its
// definition, the rules selecting it and a real example.
type Page struct {
	Event
	// Rules are the shipped rules that select the event, sorted by ID.
	Rules []Rule `json:"rules"`
	// Example is one real event of this kind, as JSON; nil when none was
	// recorded.
	Example json.RawMessage `json:"example,omitempty"`
}

// NewPage builds the page of e from the shipped rules and an example
// event (JSON, may be nil). The example must be an event of kind e that
// passes Check.
func NewPage(e Event, rules []Rule, example []byte) (*Page, error) {
	p := &Page{Event: e, Rules: RulesFor(e.Name, rules)}
	if len(example) > 0 {
		ev, err := event.DecodeEvent(example)
		if err != nil {
			return nil, fmt.Errorf("example of %s: %w", e.Name, err)
		}
		if ev.Name != e.Name {
			return nil, fmt.Errorf("example of %s is a %s event", e.Name, ev.Name)
		}
		if err := Check(ev); err != nil {
			return nil, fmt.Errorf("example does not match the definition: %w", err)
		}
		var b bytes.Buffer
		if err := json.Indent(&b, bytes.TrimSpace(example), "", "  "); err != nil {
			return nil, fmt.Errorf("example of %s: %w", e.Name, err)
		}
		p.Example = b.Bytes()
	}
	return p, nil
}

// RulesFor returns the rules that select the named event, sorted by ID.
func RulesFor(name string, rules []Rule) []Rule {
	out := []Rule{}
	for _, r := range rules {
		if slices.Contains(r.Events, name) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// tagList renders an argument's tags, comma separated.
func tagList(a *Arg) string {
	s := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// paragraphs splits a description into its paragraphs.
func paragraphs(s string) []string {
	return strings.Split(strings.TrimSpace(s), "\n\n")
}

// flatArgs lists args with the fields of object arguments after their
// parent, at any depth, named parent.field (an object) or parent[].field
// (a list of objects).
func flatArgs(args []Arg) []Arg {
	var out []Arg
	for _, a := range args {
		out = append(out, a)
		sep := "."
		if a.Type == TypeObjects {
			sep = "[]."
		}
		for _, f := range flatArgs(a.Fields) {
			f.Name = a.Name + sep + f.Name
			out = append(out, f)
		}
	}
	return out
}
