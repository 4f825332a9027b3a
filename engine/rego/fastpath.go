package rego

import (
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// rawKind says what a raw value holds.
type rawKind uint8

const (
	rawSlow   rawKind = iota // only the comparison of OPA terms can decide
	rawNull                  // null
	rawBool                  // n: 1 for true, 0 for false
	rawInt                   // n: an integer in the int64 range, as int64
	rawUint                  // n: an integer above math.MaxInt64
	rawString                // s
	rawList                  // list: a list of argument values
)

// raw is an input field or a constant in Go form, for the guard's fast
// path: compared without building OPA terms, and without allocating.
// Input fields are read into a raw the caller holds, which keeps the
// fast path from copying it around.
type raw struct {
	kind rawKind
	n    uint64
	s    string
	list []any
}

func rawInt64(i int64) raw { return raw{kind: rawInt, n: uint64(i)} }

func rawUint64(u uint64) raw {
	if u <= math.MaxInt64 {
		return raw{kind: rawInt, n: u}
	}
	return raw{kind: rawUint, n: u}
}

func rawBoolean(b bool) raw {
	if b {
		return raw{kind: rawBool, n: 1}
	}
	return raw{kind: rawBool}
}

func rawStr(s string) raw { return raw{kind: rawString, s: s} }

// setInt sets r to the integer i.
func (r *raw) setInt(i int64) { r.kind, r.n = rawInt, uint64(i) }

// setString sets r to the string s.
func (r *raw) setString(s string) { r.kind, r.s = rawString, s }

// set sets r to an argument value's raw form.
func (r *raw) set(v any) {
	switch x := v.(type) {
	case nil:
		r.kind = rawNull
	case string:
		r.setString(x)
	case bool:
		*r = rawBoolean(x)
	case int64:
		r.setInt(x)
	case uint64:
		*r = rawUint64(x)
	case []any:
		r.kind, r.list = rawList, x
	default:
		r.kind = rawSlow
	}
}

// access reads one input path for the fast path: the top-level field,
// and below it the keys of nested objects. Each hint remembers where the
// last event held its key: the sensor writes the arguments of one kind of
// event in one order, so a lookup rarely scans.
type access struct {
	root string
	// keys are the path after root; slow is set when one is not a
	// string, which only lookup follows.
	keys  []string
	slow  bool
	hints []atomic.Int32
}

func newAccess(path ast.Ref) *access {
	x := &access{}
	if len(path) == 0 {
		x.slow = true
		return x
	}
	root, ok := path[0].Value.(ast.String)
	x.root, x.slow = string(root), !ok
	for _, t := range path[1:] {
		k, ok := t.Value.(ast.String)
		x.keys = append(x.keys, string(k))
		x.slow = x.slow || !ok
	}
	x.hints = make([]atomic.Int32, len(x.keys))
	return x
}

// read is lookup without conversion: it sets out, a zero raw, to the Go
// value at the path, for the fields a guard usually compares, or leaves
// it rawSlow where only lookup can say. It returns false where the path
// is undefined.
func (x *access) read(ev *event.Event, out *raw) bool {
	switch {
	case x.slow:
	case x.root == "args":
		return x.args(ev.Args, out)
	case len(x.keys) > 0:
		if x.root == "process" && len(x.keys) == 1 {
			return readProcess(&ev.Process, x.keys[0], out)
		}
	case x.root == "name":
		out.setString(ev.Name)
	case x.root == "ret":
		out.setInt(ev.Ret)
	}
	return true
}

func readProcess(p *event.Process, key string, out *raw) bool {
	switch key {
	case "pid":
		out.setInt(int64(p.PID))
	case "tid":
		out.setInt(int64(p.TID))
	case "ppid":
		out.setInt(int64(p.PPID))
	case "uid":
		out.setInt(int64(p.UID))
	case "gid":
		out.setInt(int64(p.GID))
	case "comm":
		out.setString(p.Comm)
	case "exe":
		out.setString(p.Exe)
		return p.Exe != "" // omitted when empty
	}
	return true
}

// args walks the arguments along the keys.
func (x *access) args(a event.Args, out *raw) bool {
	if len(x.keys) == 0 {
		return true
	}
	v, ok := x.arg(a, 0)
	for i := 1; ok && i < len(x.keys); i++ {
		switch m := v.(type) {
		case event.Args:
			v, ok = x.arg(m, i)
		case map[string]any:
			v, ok = m[x.keys[i]]
		default:
			return true
		}
	}
	if ok {
		out.set(v)
	}
	return ok
}

// arg is a.Get(x.keys[i]), trying first where the last event held it.
func (x *access) arg(a event.Args, i int) (any, bool) {
	key := x.keys[i]
	if h := int(x.hints[i].Load()); h < len(a) && a[h].Name == key {
		return a[h].Value, true
	}
	for j := range a {
		if a[j].Name == key {
			x.hints[i].Store(int32(j))
			return a[j].Value, true
		}
	}
	return nil, false
}

// rawConst is a constant's Go form for the fast path.
func rawConst(t *ast.Term) raw {
	switch v := t.Value.(type) {
	case ast.Null:
		return raw{kind: rawNull}
	case ast.String:
		return rawStr(string(v))
	case ast.Boolean:
		return rawBoolean(bool(v))
	case ast.Number:
		if i, ok := v.Int64(); ok {
			return rawInt64(i)
		}
		if u, err := strconv.ParseUint(string(v), 10, 64); err == nil {
			return rawUint64(u)
		}
	}
	return raw{}
}

// stringSet returns the members of a constant set or array made only of
// strings, or nil.
func stringSet(t *ast.Term) map[string]struct{} {
	out := map[string]struct{}{}
	add := func(x *ast.Term) bool {
		s, ok := x.Value.(ast.String)
		if ok {
			out[string(s)] = struct{}{}
		}
		return !ok
	}
	switch c := t.Value.(type) {
	case ast.Set:
		if c.Until(add) {
			return nil
		}
	case *ast.Array:
		if c.Until(add) {
			return nil
		}
	default:
		return nil
	}
	return out
}

// scalar reports whether r is a null, boolean, number or string.
func (r *raw) scalar() bool { return r.kind != rawSlow && r.kind != rawList }

// number reports whether r is an integer.
func (r *raw) number() bool { return r.kind == rawInt || r.kind == rawUint }

// fastHold decides c from Go values with OPA's semantics: any comparison
// of two integers, two strings, two booleans or two nulls, and equality
// of scalars of different types; ok is false otherwise.
func (c *cond) fastHold(a, b *raw) (result, ok bool) {
	if c.op == ast.Member.Name {
		return fastMember(a, b, c.b.strs)
	}
	if !a.scalar() || !b.scalar() {
		return false, false
	}
	var cmp int
	switch {
	case a.number() && b.number():
		cmp = cmpRawInt(a, b)
	case a.kind != b.kind:
		switch c.op {
		case ast.Equal.Name, ast.Equality.Name:
			return false, true
		case ast.NotEqual.Name:
			return true, true
		}
		return false, false // ordering across types: OPA's term order
	case a.kind == rawString:
		cmp = strings.Compare(a.s, b.s)
	case a.kind == rawBool:
		cmp = cmpOrdered(a.n, b.n)
	case a.kind == rawNull:
		cmp = 0
	}
	switch c.op {
	case ast.Equal.Name, ast.Equality.Name:
		return cmp == 0, true
	case ast.NotEqual.Name:
		return cmp != 0, true
	case ast.LessThan.Name:
		return cmp < 0, true
	case ast.LessThanEq.Name:
		return cmp <= 0, true
	case ast.GreaterThan.Name:
		return cmp > 0, true
	case ast.GreaterThanEq.Name:
		return cmp >= 0, true
	}
	return false, false
}

func fastMember(x, coll *raw, strs map[string]struct{}) (result, ok bool) {
	if strs != nil {
		switch x.kind {
		case rawString:
			_, in := strs[x.s]
			return in, true
		case rawSlow:
			return false, false
		}
		return false, true // never equal to a string
	}
	if x.kind != rawString || coll.kind != rawList {
		return false, false
	}
	for _, e := range coll.list {
		if es, ok := e.(string); ok && es == x.s {
			return true, true
		}
	}
	return false, true
}

// cmpRawInt compares two integers.
func cmpRawInt(a, b *raw) int {
	switch {
	case a.kind == rawUint && b.kind == rawUint:
		return cmpOrdered(a.n, b.n)
	case a.kind == rawUint:
		return 1 // above every int64
	case b.kind == rawUint:
		return -1
	}
	return cmpOrdered(int64(a.n), int64(b.n))
}

func cmpOrdered[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
