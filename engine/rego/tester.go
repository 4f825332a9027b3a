package rego

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestOptions configure RunTests. A nil *TestOptions runs nothing.
type TestOptions struct {
	// Sources hold the rules and their *_test.rego files.
	Sources []Source
	// Library holds packages, such as splicewatch.lib, added only when no
	// file of Sources declares them.
	Library []Source
	// Config is data.splicewatch.config during the tests.
	Config map[string]any
	// Timeout bounds each test. Default: 10s.
	Timeout time.Duration
}

// TestResult is the outcome of one test_* rule.
type TestResult struct {
	// Name is the test's package and rule, e.g.
	// data.splicewatch.rules.spw002_test.test_exploit_found.
	Name string `json:"name"`
	// Location is the test's file:line:column.
	Location string        `json:"location"`
	Pass     bool          `json:"pass"`
	Skip     bool          `json:"skip,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// RunTests compiles the rules and tests of opts and runs every test_* rule
// of the *_test.rego files, as `opa test` does. A rule set that does not
// compile gives Errors; failing tests are reported in the results, sorted
// by name.
func RunTests(ctx context.Context, opts *TestOptions) ([]TestResult, error) {
	var o TestOptions
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	mods, err := parseSources(o.Sources, true)
	if err != nil {
		return nil, err
	}
	if err := addLibrary(mods, o.Library); err != nil {
		return nil, err
	}
	store := newStore(o.Config)
	txn, err := store.NewTransaction(ctx, storage.TransactionParams{})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(newCompiler()).
		SetStore(store).
		SetModules(mods).
		SetTimeout(o.Timeout).
		RunTests(ctx, txn)
	if err != nil {
		return nil, fromAST("", err)
	}
	var out []TestResult
	for r := range ch {
		res := TestResult{
			Name:     r.Package + "." + r.Name,
			Pass:     r.Pass(),
			Skip:     r.Skip,
			Duration: r.Duration,
		}
		if r.Location != nil {
			res.Location = fmt.Sprintf("%s:%d:%d", r.Location.File, r.Location.Row, r.Location.Col)
		}
		if r.Error != nil {
			res.Error = r.Error.Error()
		}
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// addLibrary adds the library modules whose packages mods do not declare.
func addLibrary(mods map[string]*ast.Module, lib []Source) error {
	if len(lib) == 0 {
		return nil
	}
	libMods, err := parseSources(lib, false)
	if err != nil {
		return fmt.Errorf("load rule library: %w", err)
	}
	declared := map[string]bool{}
	for _, m := range mods {
		declared[m.Package.Path.String()] = true
	}
	for name, m := range libMods {
		if !declared[m.Package.Path.String()] {
			mods[name] = m
		}
	}
	return nil
}
