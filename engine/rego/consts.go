package rego

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// constants resolves, for guards, ground data references whose value does
// not depend on input, such as data.splicewatch.lib.errno.EPIPE, a setting
// under data.splicewatch.config or a rule's list of patterns. Each
// reference is evaluated once.
type constants struct {
	ctx     context.Context
	c       *ast.Compiler
	base    []func(*rego.Rego)
	timeout time.Duration
	cache   map[string]constant
	globs   map[string]bool
}

// constant is a reference's value, as a guard can use it.
type constant struct {
	scalar *ast.Term // a null, boolean, number or string
	strs   []string  // the members of an array or set of strings
}

func newConstants(ctx context.Context, c *ast.Compiler, base []func(*rego.Rego), timeout time.Duration) *constants {
	return &constants{ctx: ctx, c: c, base: base, timeout: timeout, cache: map[string]constant{}, globs: map[string]bool{}}
}

// scalar returns ref's value when it is a scalar, which survives the
// round trip through Go values exactly.
func (k *constants) scalar(ref ast.Ref) (*ast.Term, bool) {
	v := k.get(ref)
	return v.scalar, v.scalar != nil
}

// members returns the members of ref's value when it is an array or a set
// of strings: the values `x := ref[_]` binds x to.
func (k *constants) members(ref ast.Ref) ([]string, bool) {
	v := k.get(ref)
	return v.strs, v.strs != nil
}

func (k *constants) get(ref ast.Ref) constant {
	if k == nil {
		return constant{}
	}
	key := ref.String()
	if v, seen := k.cache[key]; seen {
		return v
	}
	var v constant
	if !readsInput(k.c, ref) {
		if x, err := evalConst(k.ctx, k.base, ref, k.timeout); err == nil {
			v.scalar, _ = scalarTerm(x)
			v.strs = stringList(x)
		}
	}
	k.cache[key] = v
	return v
}

// validGlob reports whether OPA's glob.match compiles pattern. Only a
// character class, an alternation or an escape can be malformed.
func (k *constants) validGlob(pattern string) bool {
	if !strings.ContainsAny(pattern, "[{\\") {
		return true
	}
	if k == nil {
		return false
	}
	if ok, seen := k.globs[pattern]; seen {
		return ok
	}
	ctx, cancel := context.WithTimeout(k.ctx, k.timeout)
	defer cancel()
	query := fmt.Sprintf("glob.match(%s, null, \"\")", ast.StringTerm(pattern))
	_, err := rego.New(rego.Query(query), rego.StrictBuiltinErrors(true)).Eval(ctx)
	k.globs[pattern] = err == nil
	return err == nil
}

// stringList returns the strings of a query result that is a list of
// strings (an array or a set), or nil.
func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
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
