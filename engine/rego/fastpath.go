package rego

import (
	"math"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// slow marks a value the fast path does not handle; the guard then
// compares OPA terms instead.
type slow struct{}

// lookupRaw is lookup without conversion: the Go value at path, for the
// fields a guard usually compares, or slow{} where only lookup can say.
func lookupRaw(ev *event.Event, path ast.Ref) (any, bool) {
	if len(path) == 0 {
		return slow{}, true
	}
	key, ok := path[0].Value.(ast.String)
	if !ok {
		return nil, false
	}
	switch {
	case key == "args":
		return rawAny(ev.Args, path[1:])
	case len(path) > 1:
		if key == "process" && len(path) == 2 {
			return rawProcess(&ev.Process, path[1])
		}
		return slow{}, true
	case key == "name":
		return ev.Name, true
	case key == "ret":
		return ev.Ret, true
	}
	return slow{}, true
}

func rawProcess(p *event.Process, k *ast.Term) (any, bool) {
	key, ok := k.Value.(ast.String)
	if !ok {
		return nil, false
	}
	switch key {
	case "pid":
		return int64(p.PID), true
	case "tid":
		return int64(p.TID), true
	case "ppid":
		return int64(p.PPID), true
	case "uid":
		return int64(p.UID), true
	case "gid":
		return int64(p.GID), true
	case "comm":
		return p.Comm, true
	}
	return slow{}, true
}

func rawAny(v any, path ast.Ref) (any, bool) {
	for _, p := range path {
		var ok bool
		switch x := v.(type) {
		case event.Args:
			v, ok = argField(x, p)
		case map[string]any:
			v, ok = field(x, p)
		default:
			return slow{}, true
		}
		if !ok {
			return nil, false
		}
	}
	switch v.(type) {
	case int64, uint64, string, bool, []any:
		return v, true
	}
	return slow{}, true
}

// rawConst is a constant's Go form for the fast path, or slow{}.
func rawConst(t *ast.Term) any {
	switch v := t.Value.(type) {
	case ast.String:
		return string(v)
	case ast.Boolean:
		return bool(v)
	case ast.Number:
		if i, ok := v.Int64(); ok {
			return i
		}
		if u, err := strconv.ParseUint(string(v), 10, 64); err == nil {
			return u
		}
	}
	return slow{}
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

// fastHold decides c from Go values when both sides are integers, both
// strings or both booleans, with OPA's semantics; ok is false otherwise.
func (c *cond) fastHold(a, b any) (result, ok bool) {
	if c.op == ast.Member.Name {
		return fastMember(a, b, c.b.strs)
	}
	var cmp int
	switch x := a.(type) {
	case int64, uint64:
		if !isInt(b) {
			return false, false
		}
		cmp = cmpInt(x, b)
	case string:
		y, yok := b.(string)
		if !yok {
			return false, false
		}
		cmp = strings.Compare(x, y)
	case bool:
		y, yok := b.(bool)
		if !yok {
			return false, false
		}
		cmp = cmpBool(x, y)
	default:
		return false, false
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

func fastMember(x, coll any, strs map[string]struct{}) (result, ok bool) {
	if strs != nil {
		switch x.(type) {
		case string:
			_, in := strs[x.(string)]
			return in, true
		case int64, uint64, bool, []any:
			return false, true // never equal to a string
		}
		return false, false
	}
	s, sok := x.(string)
	list, lok := coll.([]any)
	if !sok || !lok {
		return false, false
	}
	for _, e := range list {
		if es, ok := e.(string); ok && es == s {
			return true, true
		}
	}
	return false, true
}

func isInt(v any) bool {
	switch v.(type) {
	case int64, uint64:
		return true
	}
	return false
}

// cmpInt compares two integers, each int64 or uint64.
func cmpInt(a, b any) int {
	ai, aNeg := toU(a)
	bi, bNeg := toU(b)
	switch {
	case aNeg && !bNeg:
		return -1
	case !aNeg && bNeg:
		return 1
	case ai == bi:
		return 0
	case ai < bi:
		return -1
	}
	return 1
}

// toU returns |v| ordered for comparison: for negatives, a value that
// sorts like v among negatives, and neg set.
func toU(v any) (uint64, bool) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return uint64(x - math.MinInt64), true
		}
		return uint64(x), false
	case uint64:
		return x, false
	}
	return 0, false
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
