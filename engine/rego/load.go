package rego

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultTimeout bounds one query when Options.Timeout is zero.
const DefaultTimeout = 250 * time.Millisecond

// Options configure Load. A nil *Options loads no rules.
type Options struct {
	// Sources are read in order: typically the embedded pack, then each
	// --rules directory.
	Sources []Source
	// Library holds packages, such as splicewatch.lib, added only when no
	// file of Sources declares them, so rules can import them even without
	// the embedded pack.
	Library []Source
	// Config is the operator's settings, visible to rules as
	// data.splicewatch.config.
	Config map[string]any
	// Timeout bounds each query, so an expensive rule cannot stall the
	// engine. Default: DefaultTimeout.
	Timeout time.Duration
	// Logger receives rule failures, rate-limited. Default: slog.Default().
	Logger *slog.Logger
	// noGuards and noInline turn guards and inlining off, for benchmarks.
	noGuards, noInline bool
	// Registerer receives the detector's metrics. Loading again with the
	// same Registerer reuses the collectors. Default: none.
	Registerer prometheus.Registerer
}

// deniedBuiltins cannot be called by rules: they reach the network, which
// has no place in the live path of a sensor.
var deniedBuiltins = []string{"http.send", "net.lookup_ip_addr", "opa.runtime"}

// capabilities returns what rules may use: this OPA's builtins minus
// deniedBuiltins.
func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool {
		return slices.Contains(deniedBuiltins, b.Name)
	})
	return caps
}

// newCompiler returns the compiler every rule set is built with.
func newCompiler() *ast.Compiler {
	return ast.NewCompiler().WithCapabilities(capabilities()).WithDefaultRegoVersion(ast.RegoV1)
}

// Load reads, compiles and prepares the rules of opts.Sources. A rule set
// that does not compile gives Errors naming each file:line:column. Call it
// again to reload (on SIGHUP) and pass the result to engine.Replace; on
// error keep the detector already running.
func Load(ctx context.Context, opts *Options) (*Detector, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	mods, err := parseSources(o.Sources, false)
	if err != nil {
		return nil, err
	}
	if err := addLibrary(mods, o.Library); err != nil {
		return nil, err
	}
	return build(ctx, mods, &o)
}

// newStore holds the data rules read: data.splicewatch.config.
func newStore(cfg map[string]any) storage.Store {
	if cfg == nil {
		cfg = map[string]any{}
	}
	return inmem.NewFromObjectWithOpts(map[string]any{
		"splicewatch": map[string]any{"config": cfg},
	}, inmem.OptRoundTripOnWrite(true))
}

func build(ctx context.Context, mods map[string]*ast.Module, o *Options) (*Detector, error) {
	c := newCompiler()
	if c.Compile(mods); c.Failed() {
		return nil, fromAST("", c.Errors)
	}
	rules, errs := findRules(mods)
	store := newStore(o.Config)
	base := []func(*rego.Rego){rego.Compiler(c), rego.Store(store)}
	ids := map[string]string{}
	// Load-time evaluations (metadata, constants, partial evaluation for
	// guards) are bounded like queries, so a hostile rule cannot hang Load.
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	consts := newConstants(ctx, c, base, timeout)
	for _, r := range rules {
		if err := r.describe(ctx, base, timeout); err != nil {
			errs = append(errs, err.(*Error))
			continue
		}
		if prev, dup := ids[r.info.ID]; dup {
			errs = append(errs, errAt(r.info.File, r.loc, "rule id %s already declared in %s", r.info.ID, prev))
			continue
		}
		ids[r.info.ID] = r.info.File
		if r.info.Format == FormatNative && !o.noGuards {
			r.guard = ruleGuard(ctx, c, base, r, consts, timeout)
		}
		if !o.noInline {
			r.inline = inlineRule(c, r)
		}
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}

	// Compile again with one generated batch module per event name.
	byEvent := map[string][]int{}
	for i, r := range rules {
		for _, name := range r.info.Events {
			byEvent[name] = append(byEvent[name], i)
		}
	}
	names := make([]string, 0, len(byEvent))
	for name := range byEvent {
		names = append(names, name)
	}
	sort.Strings(names)
	batchPkgs := make([]string, len(names))
	for k := range names {
		batchPkgs[k] = fmt.Sprintf("splicewatch.internal.batch.b%d", k)
	}
	c, spans, err := compileBatches(mods, rules, names, batchPkgs, byEvent)
	if err != nil {
		// An inlined rule the compiler does not take back as written:
		// evaluate every rule under `with input` instead.
		log := o.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Warn("rules not inlined into batch queries", "error", err)
		for _, r := range rules {
			r.inline = nil
		}
		if c, spans, err = compileBatches(mods, rules, names, batchPkgs, byEvent); err != nil {
			return nil, err
		}
	}
	base = []func(*rego.Rego){rego.Compiler(c), rego.Store(store)}

	d := newDetector(o, rules, names)
	d.spans = spans
	for k, name := range names {
		q, err := prepare(ctx, base, "data."+batchPkgs[k]+".out")
		if err != nil {
			return nil, fmt.Errorf("prepare batch query for %s: %w", name, err)
		}
		d.byEvent[name] = newBatch(q, rules, byEvent[name])
	}
	for i, r := range rules {
		var err error
		r.idx = i
		if r.alone, err = prepare(ctx, base, aloneQuery(r)); err != nil {
			return nil, fmt.Errorf("prepare rule %s: %w", r.info.ID, err)
		}
	}
	return d, nil
}

// compileBatches compiles the rules with one generated batch module per
// event name.
func compileBatches(mods map[string]*ast.Module, rules []*rule, names, pkgs []string, byEvent map[string][]int) (*ast.Compiler, map[string][]span, error) {
	spans := map[string][]span{}
	all := make(map[string]*ast.Module, len(mods)+len(names))
	for k, v := range mods {
		all[k] = v
	}
	for k, name := range names {
		file := "<generated>/batch_" + name + ".rego"
		src, sp := batchModule(pkgs[k], rules, byEvent[name])
		spans[file] = sp
		mod, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, nil, fmt.Errorf("generate batch query for %s: %w", name, err)
		}
		all[file] = mod
	}
	c := newCompiler()
	if c.Compile(all); c.Failed() {
		return nil, nil, fmt.Errorf("compile batch queries: %w", c.Errors)
	}
	return c, spans, nil
}

func prepare(ctx context.Context, base []func(*rego.Rego), query string) (rego.PreparedEvalQuery, error) {
	opts := append([]func(*rego.Rego){rego.Query(query)}, base...)
	return rego.New(opts...).PrepareForEval(ctx)
}
