package rego

import (
	"math"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// rawKind says what a raw value holds.
type rawKind uint8

const (
	rawSlow   rawKind = iota // only the comparison of OPA terms can decide
	rawNull                  // null
	rawBool                  // b
	rawInt                   // i: an integer in the int64 range
	rawUint                  // u: an integer above math.MaxInt64
	rawString                // s
	rawList                  // list: a list of argument values
)

// raw is an input field or a constant in Go form, for the guard's fast
// path: compared without building OPA terms, and without allocating.
type raw struct {
	kind rawKind
	b    bool
	i    int64
	u    uint64
	s    string
	list []any
}

func rawInt64(i int64) raw { return raw{kind: rawInt, i: i} }

func rawUint64(u uint64) raw {
	if u <= math.MaxInt64 {
		return raw{kind: rawInt, i: int64(u)}
	}
	return raw{kind: rawUint, u: u}
}

func rawStr(s string) raw { return raw{kind: rawString, s: s} }

// rawOf is an argument value's raw form.
func rawOf(v any) raw {
	switch x := v.(type) {
	case nil:
		return raw{kind: rawNull}
	case string:
		return rawStr(x)
	case bool:
		return raw{kind: rawBool, b: x}
	case int64:
		return rawInt64(x)
	case uint64:
		return rawUint64(x)
	case []any:
		return raw{kind: rawList, list: x}
	}
	return raw{}
}

// lookupRaw is lookup without conversion: the Go value at path, for the
// fields a guard usually compares, or a rawSlow value where only lookup
// can say.
func lookupRaw(ev *event.Event, path ast.Ref) (raw, bool) {
	if len(path) == 0 {
		return raw{}, true
	}
	key, ok := path[0].Value.(ast.String)
	if !ok {
		return raw{}, false
	}
	switch {
	case key == "args":
		return rawArgs(ev.Args, path[1:])
	case len(path) > 1:
		if key == "process" && len(path) == 2 {
			return rawProcess(&ev.Process, path[1])
		}
		return raw{}, true
	case key == "name":
		return rawStr(ev.Name), true
	case key == "ret":
		return rawInt64(ev.Ret), true
	}
	return raw{}, true
}

func rawProcess(p *event.Process, k *ast.Term) (raw, bool) {
	key, ok := k.Value.(ast.String)
	if !ok {
		return raw{}, false
	}
	switch key {
	case "pid":
		return rawInt64(int64(p.PID)), true
	case "tid":
		return rawInt64(int64(p.TID)), true
	case "ppid":
		return rawInt64(int64(p.PPID)), true
	case "uid":
		return rawInt64(int64(p.UID)), true
	case "gid":
		return rawInt64(int64(p.GID)), true
	case "comm":
		return rawStr(p.Comm), true
	case "exe":
		return rawStr(p.Exe), p.Exe != "" // omitted when empty
	}
	return raw{}, true
}

// rawArgs walks the arguments along path.
func rawArgs(a event.Args, path ast.Ref) (raw, bool) {
	if len(path) == 0 {
		return raw{}, true
	}
	v, ok := argField(a, path[0])
	if !ok {
		return raw{}, false
	}
	for _, p := range path[1:] {
		switch x := v.(type) {
		case event.Args:
			v, ok = argField(x, p)
		case map[string]any:
			v, ok = field(x, p)
		default:
			return raw{}, true
		}
		if !ok {
			return raw{}, false
		}
	}
	return rawOf(v), true
}

// rawConst is a constant's Go form for the fast path.
func rawConst(t *ast.Term) raw {
	switch v := t.Value.(type) {
	case ast.Null:
		return raw{kind: rawNull}
	case ast.String:
		return rawStr(string(v))
	case ast.Boolean:
		return raw{kind: rawBool, b: bool(v)}
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
		cmp = cmpBool(a.b, b.b)
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
		return cmpOrdered(a.u, b.u)
	case a.kind == rawUint:
		return 1 // above every int64
	case b.kind == rawUint:
		return -1
	}
	return cmpOrdered(a.i, b.i)
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

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
