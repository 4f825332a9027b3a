package rego

import (
	"context"
	"encoding/json"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// constResolver returns a function giving the value of a ground data
// reference, such as data.splicewatch.lib.errno.EPIPE or a setting under
// data.splicewatch.config, when that value is a scalar that does not
// depend on input. Guards use it to compare input fields with named
// constants.
func constResolver(ctx context.Context, c *ast.Compiler, base []func(*rego.Rego), timeout time.Duration) func(ast.Ref) (*ast.Term, bool) {
	type result struct {
		t  *ast.Term
		ok bool
	}
	cache := map[string]result{}
	return func(ref ast.Ref) (*ast.Term, bool) {
		key := ref.String()
		if r, seen := cache[key]; seen {
			return r.t, r.ok
		}
		var r result
		if !readsInput(c, ref) {
			if v, err := evalConst(ctx, base, ref, timeout); err == nil {
				r.t, r.ok = scalarTerm(v)
			}
		}
		cache[key] = r
		return r.t, r.ok
	}
}

// readsInput reports whether any rule ref depends on, directly or through
// the rules and functions it uses, refers to input.
func readsInput(c *ast.Compiler, ref ast.Ref) bool {
	seen := map[*ast.Rule]bool{}
	stack := c.GetRules(ref)
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[r] {
			continue
		}
		seen[r] = true
		found := false
		ast.WalkRefs(r, func(x ast.Ref) bool {
			if x[0].Equal(ast.InputRootDocument) {
				found = true
			}
			return found
		})
		if found {
			return true
		}
		for dep := range c.Graph.Dependencies(r) {
			if dr, ok := dep.(*ast.Rule); ok {
				stack = append(stack, dr)
			}
		}
	}
	return false
}

// scalarTerm converts a query result to a term when it is a scalar, which
// survives the round trip through Go values exactly.
func scalarTerm(v any) (*ast.Term, bool) {
	switch x := v.(type) {
	case string:
		return ast.StringTerm(x), true
	case bool:
		return ast.InternedTerm(x), true
	case json.Number:
		return ast.NumberTerm(x), true
	case nil:
		return ast.NullTerm(), true
	}
	return nil, false
}
