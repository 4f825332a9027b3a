package rego

import (
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// A guard is a cheap necessary condition for a native rule to match: for
// each definition of its findings rule, the top-level comparisons of
// input fields with constants (or with other input fields) that its body
// requires. When every definition has a comparison that fails for an
// event, the rule cannot match it, and the event is neither converted nor
// evaluated for that rule. Comparisons follow OPA's own semantics
// (ast.Value.Compare for ordering, ast.Term.Equal for equality, and
// internal.member_2 for `in`), and an undefined input field fails the
// comparison as it fails the body. A glob.match of an input field with a
// constant pattern, or with any member of a constant list of patterns,
// holds unless the field's value certainly matches none (see globShape).
type guard struct {
	// defs holds one list of conditions per definition; a definition with
	// none can always match, and then so can the rule.
	defs [][]cond
}

// cond is one comparison: op applied to two operands. For glob.match,
// a is the string matched and globs are the patterns' shapes.
type cond struct {
	op    string
	a, b  operand
	globs []globShape
}

// operand is either an input path or a constant.
type operand struct {
	path ast.Ref // after "input"; nil for a constant
	// acc reads path for the fast path.
	acc   *access
	value *ast.Term
	// raw is the constant's Go form for the fast path; strs holds the
	// members of a constant collection of strings.
	raw  raw
	strs map[string]struct{}
	// dflt, for an input path, is its value where it is undefined, as in
	// object.get(input.args, key, dflt).
	dflt    *ast.Term
	dfltRaw raw
	// elems, in place of a path or a value, are the strings a variable
	// bound to any member of a constant list of strings may hold.
	elems []string
}

// objectGetBases are the input paths always holding an object, where a
// missing key is what makes object.get return its default.
var objectGetBases = []ast.Ref{{ast.StringTerm("args")}, {ast.StringTerm("process")}}

// guardOps are the comparisons a guard evaluates, by builtin name.
var guardOps = map[string]bool{
	ast.Equal.Name: true, ast.Equality.Name: true, ast.NotEqual.Name: true,
	ast.LessThan.Name: true, ast.LessThanEq.Name: true,
	ast.GreaterThan.Name: true, ast.GreaterThanEq.Name: true,
	ast.Member.Name: true,
}

// newGuard builds a guard from the alternatives a rule can match through:
// each body is one way to produce a finding, and all its top-level
// comparisons must hold for it. A nil guard always passes.
func newGuard(bodies []ast.Body, consts *constants) *guard {
	g := &guard{}
	for _, body := range bodies {
		var conds []cond
		bound := map[ast.Var]operand{}
		for _, expr := range body {
			if bindLocal(expr, bound, consts) {
				continue
			}
			if c, ok := exprCond(expr, bound, consts); ok {
				conds = append(conds, c)
			}
		}
		if len(conds) == 0 {
			return nil
		}
		g.defs = append(g.defs, conds)
	}
	if len(g.defs) == 0 {
		return nil
	}
	return g
}

// bindLocal records `var = input.path` (or = constant), which the compiler
// writes for every input reference, so later comparisons of var resolve.
func bindLocal(expr *ast.Expr, bound map[ast.Var]operand, consts *constants) bool {
	if expr.Negated || len(expr.With) > 0 || !expr.IsCall() || len(expr.Operands()) != 2 {
		return false
	}
	if op := expr.Operator().String(); op != ast.Equality.Name && op != ast.Assign.Name {
		return false
	}
	for _, pair := range [][2]*ast.Term{{expr.Operand(0), expr.Operand(1)}, {expr.Operand(1), expr.Operand(0)}} {
		v, ok := pair[0].Value.(ast.Var)
		if !ok {
			continue
		}
		if _, isVar := pair[1].Value.(ast.Var); isVar {
			return false
		}
		if o, ok := toOperand(pair[1], nil, consts); ok {
			bound[v] = o
		} else if elems, ok := memberOf(pair[1], consts); ok {
			bound[v] = operand{elems: elems}
		}
		return true
	}
	return false
}

// memberOf reads data.path[k], with k a variable, which the compiler
// writes for `some x in data.path`: the strings it may give, when
// data.path is a constant list of strings.
func memberOf(t *ast.Term, consts *constants) ([]string, bool) {
	ref, ok := t.Value.(ast.Ref)
	if !ok || len(ref) < 2 || !ref[0].Equal(ast.DefaultRootDocument) {
		return nil, false
	}
	if _, ok := ref[len(ref)-1].Value.(ast.Var); !ok || !ref[:len(ref)-1].IsGround() {
		return nil, false
	}
	return consts.members(ref[:len(ref)-1])
}

func exprCond(expr *ast.Expr, bound map[ast.Var]operand, consts *constants) (cond, bool) {
	if expr.Negated || len(expr.With) > 0 || !expr.IsCall() {
		return cond{}, false
	}
	op := expr.Operator().String()
	switch op {
	case ast.ObjectGet.Name:
		return objectGetCond(expr, bound, consts)
	case ast.GlobMatch.Name:
		return globCond(expr, bound, consts)
	}
	if !guardOps[op] || len(expr.Operands()) != 2 {
		return cond{}, false
	}
	a, aok := toOperand(expr.Operand(0), bound, consts)
	b, bok := toOperand(expr.Operand(1), bound, consts)
	if !aok || !bok || a.elems != nil || b.elems != nil || (a.path == nil && b.path == nil) {
		return cond{}, false
	}
	for _, o := range []*operand{&a, &b} {
		if o.path == nil {
			o.raw, o.strs = rawConst(o.value), stringSet(o.value)
		} else {
			o.acc = newAccess(o.path)
		}
	}
	return cond{op: op, a: a, b: b}, true
}

// objectGetCond reads object.get(input.args, "key", default, out), which
// partial evaluation writes for object.get(...) == out, as the comparison
// of input.args.key (default where missing) with out.
func objectGetCond(expr *ast.Expr, bound map[ast.Var]operand, consts *constants) (cond, bool) {
	ops := expr.Operands()
	if len(ops) != 4 {
		return cond{}, false
	}
	base, ok := toOperand(ops[0], bound, consts)
	key, isString := ops[1].Value.(ast.String)
	if !ok || base.path == nil || !isString || !ast.IsConstant(ops[2].Value) || !ast.IsConstant(ops[3].Value) {
		return cond{}, false
	}
	known := false
	for _, b := range objectGetBases {
		known = known || base.path.Equal(b)
	}
	if !known {
		return cond{}, false
	}
	path := base.path.Append(ast.NewTerm(key))
	a := operand{path: path, acc: newAccess(path), dflt: ops[2], dfltRaw: rawConst(ops[2])}
	b := operand{value: ops[3], raw: rawConst(ops[3]), strs: stringSet(ops[3])}
	return cond{op: ast.Equal.Name, a: a, b: b}, true
}

// globCond reads glob.match(pattern, delimiters, input.path), where
// pattern is a constant string or any member of a constant list of
// strings: the input path must be able to match one of them.
func globCond(expr *ast.Expr, bound map[ast.Var]operand, consts *constants) (cond, bool) {
	ops := expr.Operands()
	if len(ops) != 3 {
		return cond{}, false
	}
	pattern, pok := toOperand(ops[0], bound, consts)
	subject, sok := toOperand(ops[2], bound, consts)
	if !pok || !sok || subject.path == nil || subject.dflt != nil || !delimiters(ops[1]) {
		return cond{}, false
	}
	patterns := pattern.elems
	if pattern.elems == nil {
		s, ok := pattern.value.Value.(ast.String)
		if pattern.path != nil || !ok {
			return cond{}, false
		}
		patterns = []string{string(s)}
	}
	subject.acc = newAccess(subject.path)
	c := cond{op: ast.GlobMatch.Name, a: subject}
	for _, p := range patterns {
		// A pattern OPA cannot compile fails at every event: leave it to
		// OPA, which reports it.
		if !consts.validGlob(p) {
			return cond{}, false
		}
		c.globs = append(c.globs, newGlobShape(p))
	}
	return c, true
}

// delimiters reports whether t is a valid constant delimiters operand of
// glob.match: null, or an array of one-character strings.
func delimiters(t *ast.Term) bool {
	switch v := t.Value.(type) {
	case ast.Null:
		return true
	case *ast.Array:
		return !v.Until(func(x *ast.Term) bool {
			s, ok := x.Value.(ast.String)
			return !ok || utf8.RuneCountInString(string(s)) != 1
		})
	}
	return false
}

func toOperand(t *ast.Term, bound map[ast.Var]operand, consts *constants) (operand, bool) {
	if v, ok := t.Value.(ast.Var); ok {
		o, ok := bound[v]
		return o, ok
	}
	if ref, ok := t.Value.(ast.Ref); ok {
		if !ref.IsGround() {
			return operand{}, false
		}
		if ref[0].Equal(ast.InputRootDocument) {
			return operand{path: ref[1:]}, true
		}
		if ref[0].Equal(ast.DefaultRootDocument) {
			if v, ok := consts.scalar(ref); ok {
				return operand{value: v}, true
			}
		}
		return operand{}, false
	}
	if ast.IsConstant(t.Value) {
		return operand{value: t}, true
	}
	return operand{}, false
}

// pass reports whether the rule may match ev.
func (g *guard) pass(ev *event.Event) bool {
	if g == nil {
		return true
	}
	for _, conds := range g.defs {
		if holdAll(conds, ev) {
			return true
		}
	}
	return false
}

func holdAll(conds []cond, ev *event.Event) bool {
	for i := range conds {
		if !conds[i].hold(ev) {
			return false
		}
	}
	return true
}

func (c *cond) hold(ev *event.Event) bool {
	var ra, rb raw
	if !c.a.resolveRaw(ev, &ra) {
		return false
	}
	if c.op == ast.GlobMatch.Name {
		return c.mayGlob(&ra)
	}
	if !c.b.resolveRaw(ev, &rb) {
		return false
	}
	if result, ok := c.fastHold(&ra, &rb); ok {
		return result
	}
	a, ok := c.a.resolve(ev)
	if !ok {
		return false
	}
	b, ok := c.b.resolve(ev)
	if !ok {
		return false
	}
	switch c.op {
	case ast.Equal.Name, ast.Equality.Name:
		return a.Equal(b)
	case ast.NotEqual.Name:
		return !a.Equal(b)
	case ast.LessThan.Name:
		return a.Value.Compare(b.Value) < 0
	case ast.LessThanEq.Name:
		return a.Value.Compare(b.Value) <= 0
	case ast.GreaterThan.Name:
		return a.Value.Compare(b.Value) > 0
	case ast.GreaterThanEq.Name:
		return a.Value.Compare(b.Value) >= 0
	case ast.Member.Name:
		return member(a, b)
	}
	return true
}

// mayGlob reports whether s may match one of c's patterns. A value that
// is not a string is left to OPA, which reports the type error.
func (c *cond) mayGlob(s *raw) bool {
	if s.kind != rawString {
		return true
	}
	for i := range c.globs {
		if c.globs[i].mayMatch(s.s) {
			return true
		}
	}
	return false
}

// member is internal.member_2: x in coll.
func member(x, coll *ast.Term) bool {
	switch c := coll.Value.(type) {
	case ast.Set:
		return c.Contains(x)
	case *ast.Array:
		return c.Until(x.Equal)
	case ast.Object:
		return c.Until(func(_, v *ast.Term) bool { return x.Equal(v) })
	}
	return false
}

// resolveRaw sets out, a zero raw, to the operand's value for the fast
// path; it returns false where the operand is undefined.
func (o *operand) resolveRaw(ev *event.Event, out *raw) bool {
	switch {
	case o.path == nil:
		*out = o.raw
	case !o.acc.read(ev, out):
		if o.dflt == nil {
			return false
		}
		*out = o.dfltRaw
	}
	return true
}

func (o *operand) resolve(ev *event.Event) (*ast.Term, bool) {
	if o.path == nil {
		return o.value, true
	}
	t, ok := lookup(ev, o.path)
	if !ok && o.dflt != nil {
		return o.dflt, true
	}
	return t, ok
}
