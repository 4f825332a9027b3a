package rego

import (
	"context"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// maxGuardAlternatives bounds the ways to match a guard keeps; a rule with
// more is not guarded.
const maxGuardAlternatives = 16

// ruleGuard derives r's guard. Partial evaluation with input unknown
// inlines helper functions and constants (lib.has_flag, lib.errno.EPIPE,
// settings from data.splicewatch.config) and gives the rule's ways to
// match as plain bodies. When that fails, the compiled bodies of the
// findings rule are used directly.
func ruleGuard(ctx context.Context, c *ast.Compiler, base []func(*rego.Rego), r *rule, consts *constants, timeout time.Duration) *guard {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	findings := r.pkg.Append(ast.StringTerm("findings"))
	opts := append([]func(*rego.Rego){
		rego.Query(findings.String() + "[_]"),
		rego.Unknowns([]string{"input"}),
	}, base...)
	pq, err := rego.New(opts...).Partial(ctx)
	if err == nil && len(pq.Queries) > 0 && len(pq.Queries) <= maxGuardAlternatives {
		if g := newGuard(pq.Queries, consts); g != nil {
			return g
		}
	}
	var bodies []ast.Body
	for _, def := range c.GetRulesForVirtualDocument(findings) {
		if def.Else != nil || def.Default {
			return nil
		}
		bodies = append(bodies, def.Body)
	}
	return newGuard(bodies, consts)
}
