package rego

import (
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// lookup returns the value at path (the part of an input ref after
// "input") in ev's native shape without converting the whole event: the
// same term EventValue(ev) holds there, or false where that is undefined.
func lookup(ev *event.Event, path ast.Ref) (*ast.Term, bool) {
	if len(path) == 0 {
		return ast.NewTerm(EventValue(ev)), true
	}
	key, ok := path[0].Value.(ast.String)
	if !ok {
		return nil, false
	}
	var t *ast.Term
	switch key {
	case "name":
		t = ast.StringTerm(ev.Name)
	case "time":
		t = ast.StringTerm(ev.Time.Format(time.RFC3339Nano))
	case "host":
		if ev.Host == "" {
			return nil, false
		}
		t = ast.StringTerm(ev.Host)
	case "ret":
		t = intTerm(ev.Ret)
	case "duration_ns":
		if ev.DurationNS == 0 {
			return nil, false
		}
		t = uintTerm(ev.DurationNS)
	case "args":
		return lookupAny(ev.Args, path[1:])
	case "process":
		if len(path) == 1 {
			return ast.NewTerm(processValue(&ev.Process)), true
		}
		return lookupProcess(&ev.Process, path[1:])
	default:
		return nil, false
	}
	return walkTerm(t, path[1:])
}

func lookupProcess(p *event.Process, path ast.Ref) (*ast.Term, bool) {
	key, ok := path[0].Value.(ast.String)
	if !ok || len(path) > 1 {
		return nil, false // every process field is a scalar
	}
	switch key {
	case "pid":
		return uintTerm(uint64(p.PID)), true
	case "tid":
		return uintTerm(uint64(p.TID)), true
	case "ppid":
		return uintTerm(uint64(p.PPID)), true
	case "uid":
		return uintTerm(uint64(p.UID)), true
	case "gid":
		return uintTerm(uint64(p.GID)), true
	case "comm":
		return ast.StringTerm(p.Comm), true
	case "exe":
		return ast.StringTerm(p.Exe), p.Exe != ""
	case "cgroup_id":
		return uintTerm(p.CgroupID), p.CgroupID != 0
	case "mnt_ns":
		return uintTerm(uint64(p.MntNS)), p.MntNS != 0
	case "pid_ns":
		return uintTerm(uint64(p.PidNS)), p.PidNS != 0
	case "container_id":
		return ast.StringTerm(p.ContainerID), p.ContainerID != ""
	}
	return nil, false
}

// lookupAny walks an argument value (maps and lists) along path.
func lookupAny(v any, path ast.Ref) (*ast.Term, bool) {
	for i, p := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = field(x, p); !ok {
				return nil, false
			}
		case event.Args:
			var ok bool
			if v, ok = argField(x, p); !ok {
				return nil, false
			}
		case []any:
			n, ok := p.Value.(ast.Number)
			if !ok {
				return nil, false
			}
			idx, ok := n.Int()
			if !ok || idx < 0 || idx >= len(x) {
				return nil, false
			}
			v = x[idx]
		default:
			return walkTerm(valueTerm(v), path[i:])
		}
	}
	return valueTerm(v), true
}

// field returns the member of m that path element p names.
func field(m map[string]any, p *ast.Term) (any, bool) {
	k, ok := p.Value.(ast.String)
	if !ok {
		return nil, false
	}
	v, ok := m[string(k)]
	return v, ok
}

// argField is field for an ordered argument list.
func argField(a event.Args, p *ast.Term) (any, bool) {
	k, ok := p.Value.(ast.String)
	if !ok {
		return nil, false
	}
	return a.Get(string(k))
}

// walkTerm follows path inside an already converted term.
func walkTerm(t *ast.Term, path ast.Ref) (*ast.Term, bool) {
	for _, p := range path {
		switch x := t.Value.(type) {
		case ast.Object:
			if t = x.Get(p); t == nil {
				return nil, false
			}
		case *ast.Array:
			n, ok := p.Value.(ast.Number)
			if !ok {
				return nil, false
			}
			idx, ok := n.Int()
			if !ok || idx < 0 || idx >= x.Len() {
				return nil, false
			}
			t = x.Elem(idx)
		default:
			return nil, false
		}
	}
	return t, true
}
