package rego

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Variables of the generated batch module, named so that they cannot meet
// a rule's own.
const (
	varEvent = "__sw_ev"
	varIndex = "__sw_i"
	varValue = "__sw_v"
)

// inlined is a rule copied into the batch module: each way it can match,
// as a body reading the event from varEvent instead of input, and the
// finding it yields there.
type inlined struct {
	bodies []string
	values []string
}

// inlineRule copies r's findings (or tracee_match) definitions out of the
// compiled rule set, with input replaced by a variable, so that the batch
// query evaluates r over input.events[i] directly, without `with input`
// and its per-evaluation cost. It returns nil for a rule that must go
// through `with input`: one whose body uses `with` or `every`, calls or
// refers to another rule or function that reads input, has an else
// branch, or (Tracee) more than one definition.
func inlineRule(c *ast.Compiler, r *rule) *inlined {
	doc := "findings"
	if r.info.Format == FormatTracee {
		doc = "tracee_match"
	}
	defs := c.GetRulesForVirtualDocument(r.pkg.Append(ast.StringTerm(doc)))
	if len(defs) == 0 || (r.info.Format == FormatTracee && len(defs) != 1) {
		return nil
	}
	in := &inlined{}
	for _, def := range defs {
		if def.Else != nil || def.Default || !inlinable(c, def) {
			return nil
		}
		head := def.Head.Key
		if r.info.Format == FormatTracee {
			head = def.Head.Value
		}
		if head == nil || (r.info.Format == FormatNative && def.Head.Value != nil) {
			return nil
		}
		body, err := ast.Transform(rebind{}, def.Body.Copy())
		if err != nil {
			return nil
		}
		value, err := ast.Transform(rebind{}, head.Copy())
		if err != nil {
			return nil
		}
		if v, ok := value.(ast.Value); ok {
			value = ast.NewTerm(v)
		}
		exprs := make([]string, 0, len(def.Body))
		for _, e := range body.(ast.Body) {
			exprs = append(exprs, e.String())
		}
		in.bodies = append(in.bodies, strings.Join(exprs, "\n\t"))
		in.values = append(in.values, value.(*ast.Term).String())
	}
	return in
}

// inlinable reports whether def's body can be copied as it is.
func inlinable(c *ast.Compiler, def *ast.Rule) bool {
	ok := true
	ast.WalkExprs(def, func(e *ast.Expr) bool {
		if len(e.With) > 0 {
			ok = false
		}
		if _, every := e.Terms.(*ast.Every); every {
			ok = false
		}
		return !ok
	})
	if !ok {
		return false
	}
	ast.WalkRefs(def, func(ref ast.Ref) bool {
		if ref[0].Equal(ast.DefaultRootDocument) && readsInput(c, ref.GroundPrefix()) {
			ok = false
		}
		return !ok
	})
	return ok
}

// rebind renames input to varEvent and the compiler's local variables out
// of the way of those the batch module's own compilation creates.
type rebind struct{}

// Transform implements ast.Transformer.
func (rebind) Transform(x any) (any, error) {
	v, ok := x.(ast.Var)
	if !ok {
		return x, nil
	}
	switch {
	case v.Equal(ast.InputRootDocument.Value):
		return ast.Var(varEvent), nil
	case strings.HasPrefix(string(v), "__local"):
		return ast.Var("__sw" + string(v)), nil
	}
	return x, nil
}
