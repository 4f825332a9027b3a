package rego

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/splicewatch/splicewatch/event"
)

// Rule formats, as shown in listings.
const (
	FormatNative = "native"
	FormatTracee = "tracee"
)

// RuleInfo describes one loaded rule: its metadata, the events it selects,
// the file that declares it and its format.
type RuleInfo struct {
	event.Rule
	Events []string `json:"events"`
	File   string   `json:"file"`
	Format string   `json:"format"`
	// Guarded is set when the rule has a guard that skips, in Go, the
	// events it cannot match; Inlined when it is evaluated without
	// `with input`. Both make a rule cheap on a busy host.
	Guarded bool `json:"guarded"`
	Inlined bool `json:"inlined"`
}

// rule is one loaded rule and the facts needed to evaluate it.
type rule struct {
	info RuleInfo
	pkg  ast.Ref
	loc  *ast.Location
	// origins holds, for a Tracee rule, the origins ("*", "host",
	// "container") it selects per event name.
	origins map[string][]string
	// guard skips events the rule cannot match (native rules only).
	guard *guard
	// inline, when set, evaluates the rule without `with input`.
	inline *inlined
	// idx is the rule's position in the detector's rule list.
	idx int
	// alone evaluates only this rule over a batch, to isolate failures.
	alone rego.PreparedEvalQuery
}

var (
	nativePrefix = ast.MustParseRef("data.splicewatch.rules")
	traceePrefix = ast.MustParseRef("data.tracee")
	// reserved are namespaces rule files may not declare: the generated
	// batch queries and the operator's settings.
	reserved = []ast.Ref{
		ast.MustParseRef("data.splicewatch.internal"),
		ast.MustParseRef("data.splicewatch.config"),
	}
)

// findRules groups the modules by package and returns the rule packages in
// file order, with the names of the rules each package defines.
func findRules(mods map[string]*ast.Module) ([]*rule, Errors) {
	type pkgInfo struct {
		r     *rule
		heads map[string]*ast.Rule
	}
	pkgs := map[string]*pkgInfo{}
	var order []*pkgInfo
	var errs Errors
	files := make([]string, 0, len(mods))
	for name := range mods {
		files = append(files, name)
	}
	sort.Strings(files)
	for _, name := range files {
		mod := mods[name]
		path := mod.Package.Path
		if r := reservedPrefix(path); r != nil {
			errs = append(errs, errAt(name, mod.Package.Location, "package %s is reserved (%s)", path, r))
			continue
		}
		format := ""
		switch {
		case len(path) == len(nativePrefix)+1 && path.HasPrefix(nativePrefix):
			format = FormatNative
		case len(path) == len(traceePrefix)+1 && path.HasPrefix(traceePrefix):
			format = FormatTracee
		default:
			continue // a library package
		}
		key := path.String()
		p, ok := pkgs[key]
		if !ok {
			p = &pkgInfo{
				r:     &rule{info: RuleInfo{File: name, Format: format}, pkg: path, loc: mod.Package.Location},
				heads: map[string]*ast.Rule{},
			}
			pkgs[key] = p
			order = append(order, p)
		}
		for _, r := range mod.Rules {
			p.heads[r.Head.Ref()[0].Value.String()] = r
		}
	}
	var rules []*rule
	for _, p := range order {
		want := []string{"metadata", "events", "findings"}
		if p.r.info.Format == FormatTracee {
			if _, ok := p.heads["__rego_metadoc__"]; !ok {
				continue // a Tracee helper package, such as tracee.helpers
			}
			want = []string{"__rego_metadoc__", "tracee_selected_events", "tracee_match"}
		}
		missing := false
		for _, w := range want {
			if _, ok := p.heads[w]; !ok {
				errs = append(errs, errAt(p.r.info.File, p.r.loc, "rule package %s does not define %s", p.r.pkg, w))
				missing = true
			}
		}
		if !missing {
			p.r.loc = p.heads[want[0]].Location
			rules = append(rules, p.r)
		}
	}
	return rules, errs
}

// reservedPrefix returns the reserved namespace path lies in, or nil.
func reservedPrefix(path ast.Ref) ast.Ref {
	for _, r := range reserved {
		if path.HasPrefix(r) || r.HasPrefix(path) {
			return r
		}
	}
	return nil
}

// describe evaluates the rule's metadata and event selection, which must
// be constants, and fills r.info.
func (r *rule) describe(ctx context.Context, opts []func(*rego.Rego), timeout time.Duration) error {
	metaRef, eventsRef := "metadata", "events"
	if r.info.Format == FormatTracee {
		metaRef, eventsRef = "__rego_metadoc__", "tracee_selected_events"
	}
	meta, err := evalConst(ctx, opts, r.pkg.Append(ast.StringTerm(metaRef)), timeout)
	if err != nil {
		return errAt(r.info.File, r.loc, "evaluate %s: %s", metaRef, err)
	}
	sel, err := evalConst(ctx, opts, r.pkg.Append(ast.StringTerm(eventsRef)), timeout)
	if err != nil {
		return errAt(r.info.File, r.loc, "evaluate %s: %s", eventsRef, err)
	}
	if r.info.Format == FormatTracee {
		err = r.describeTracee(meta, sel)
	} else {
		err = r.describeNative(meta, sel)
	}
	if err != nil {
		return errAt(r.info.File, r.loc, "%s", err)
	}
	if len(r.info.Events) == 0 {
		return errAt(r.info.File, r.loc, "rule %s selects no events", r.info.ID)
	}
	return nil
}

func (r *rule) describeNative(meta, sel any) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if err := json.Unmarshal(b, &r.info.Rule); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if r.info.ID == "" || r.info.Name == "" {
		return fmt.Errorf("metadata needs a non-empty id and name")
	}
	if _, ok := meta.(map[string]any)["severity"]; !ok {
		return fmt.Errorf("metadata of %s needs a severity", r.info.ID)
	}
	names, ok := sel.([]any)
	if !ok {
		return fmt.Errorf("events of %s must be a set of event names", r.info.ID)
	}
	for _, n := range names {
		s, ok := n.(string)
		if !ok || s == "" {
			return fmt.Errorf("events of %s must be a set of event names, found %v", r.info.ID, n)
		}
		r.info.Events = append(r.info.Events, s)
	}
	return nil
}

// describeTracee reads Tracee's __rego_metadoc__ ({id, version, name,
// description, tags, properties: {Severity, "MITRE ATT&CK"}}) and
// tracee_selected_events ({name, origin} objects).
func (r *rule) describeTracee(meta, sel any) error {
	m, ok := meta.(map[string]any)
	if !ok {
		return fmt.Errorf("__rego_metadoc__ must be an object")
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	r.info.ID, r.info.Name, r.info.Description, r.info.Version = str("id"), str("name"), str("description"), str("version")
	if r.info.ID == "" || r.info.Name == "" {
		return fmt.Errorf("__rego_metadoc__ needs a non-empty id and name")
	}
	if tags, ok := m["tags"].([]any); ok {
		for _, t := range tags {
			if s, ok := t.(string); ok {
				r.info.Tags = append(r.info.Tags, s)
			}
		}
	}
	props, _ := m["properties"].(map[string]any)
	switch sev := props["Severity"].(type) {
	case json.Number:
		n, err := sev.Int64()
		if err != nil || n < int64(event.SeverityInfo) || n > int64(event.SeverityCritical) {
			return fmt.Errorf("__rego_metadoc__ severity %s out of range 0..4", sev)
		}
		r.info.Severity = event.Severity(n)
	case string:
		s, err := event.ParseSeverity(sev)
		if err != nil {
			return fmt.Errorf("__rego_metadoc__: %w", err)
		}
		r.info.Severity = s
	}
	if mitre, ok := props["MITRE ATT&CK"].(string); ok && mitre != "" {
		r.info.MITRE = []string{mitre}
	}
	list, ok := sel.([]any)
	if !ok {
		return fmt.Errorf("tracee_selected_events must be a set of {name, origin} objects")
	}
	r.origins = map[string][]string{}
	for _, s := range list {
		o, _ := s.(map[string]any)
		name, _ := o["name"].(string)
		if name == "" {
			return fmt.Errorf("tracee_selected_events: entry %v has no name", s)
		}
		origin, _ := o["origin"].(string)
		if _, seen := r.origins[name]; !seen {
			r.info.Events = append(r.info.Events, name)
		}
		r.origins[name] = append(r.origins[name], origin)
	}
	return nil
}

// selects reports whether a Tracee rule selects ev's origin (host or
// container). Native rules select every origin.
func (r *rule) selects(ev *event.Event) bool {
	if r.origins == nil {
		return true
	}
	for _, o := range r.origins[ev.Name] {
		switch strings.ToLower(o) {
		case "", "*":
			return true
		case "container":
			if ev.Process.ContainerID != "" {
				return true
			}
		case "host":
			if ev.Process.ContainerID == "" {
				return true
			}
		}
	}
	return false
}

// evalConst evaluates ref once, with no input and within timeout, and
// returns its JSON form.
func evalConst(ctx context.Context, opts []func(*rego.Rego), ref ast.Ref, timeout time.Duration) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	q := append([]func(*rego.Rego){rego.Query(ref.String())}, opts...)
	rs, err := rego.New(q...).Eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, fmt.Errorf("%s is undefined", ref)
	}
	return rs[0].Expressions[0].Value, nil
}
