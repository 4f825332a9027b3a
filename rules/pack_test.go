package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/rules"
)

// The pack's Rego tests pass, with a positive and a negative case for
// every rule and for the library.
func TestPack(t *testing.T) {
	res, err := rego.RunTests(context.Background(), &rego.TestOptions{Sources: []rego.Source{{Name: "embedded", FS: rules.FS()}}})
	if err != nil {
		t.Fatal(err)
	}
	type counts struct{ found, notFound int }
	per := map[string]*counts{}
	for _, r := range res {
		if !r.Pass {
			t.Errorf("%s (%s) failed: %s", r.Name, r.Location, r.Error)
		}
		dot := strings.LastIndex(r.Name, ".")
		pkg, name := strings.TrimPrefix(r.Name[:dot], "data."), r.Name[dot+1:]
		c := per[pkg]
		if c == nil {
			c = &counts{}
			per[pkg] = c
		}
		if strings.Contains(name, "not_found") || strings.Contains(name, "left_to") {
			c.notFound++
		} else {
			c.found++
		}
	}
	for _, pkg := range []string{
		"splicewatch.rules.spw002_test", "splicewatch.rules.spw003_test", "splicewatch.rules.spw004_test",
		"splicewatch.rules.spw005_test", "splicewatch.rules.spw006_test", "splicewatch.rules.spw007_test",
		"splicewatch.rules.spw008_test", "splicewatch.rules.spw010_test",
	} {
		c := per[pkg]
		if c == nil || c.found == 0 || c.notFound == 0 {
			t.Errorf("%s: want positive and negative tests, have %+v", pkg, c)
		}
	}
	if per["splicewatch.lib_test"] == nil {
		t.Error("no tests for splicewatch.lib")
	}
}

// Every rule of the pack loads, with the metadata the README lists.
func TestPackRules(t *testing.T) {
	d, err := rego.Load(context.Background(), &rego.Options{Sources: []rego.Source{{Name: "embedded", FS: rules.FS()}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"SPW-002": "high", "SPW-003": "high", "SPW-004": "critical", "SPW-005": "high",
		"SPW-006": "high", "SPW-007": "high", "SPW-008": "medium", "SPW-010": "medium", "SPW-011": "high",
	}
	for _, r := range d.Info() {
		if want[r.ID] != r.Severity.String() || len(r.MITRE) == 0 || r.Version == "" || r.Description == "" {
			t.Errorf("rule %+v", r)
		}
		// A busy host must not pay a full evaluation per event: every
		// shipped rule has a guard and is inlined into the batch query.
		if !r.Guarded || !r.Inlined {
			t.Errorf("rule %s: guarded %v, inlined %v", r.ID, r.Guarded, r.Inlined)
		}
		delete(want, r.ID)
	}
	if len(want) != 0 {
		t.Errorf("rules missing: %v", want)
	}
}
