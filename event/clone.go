package event

import (
	"strings"
)

// Clone returns a deep copy of ev that shares no memory with it, strings
// included. A producer may lend an event whose memory it reuses once the
// consumer returns (the sensor does); a consumer that keeps the event
// longer keeps a clone.
func (ev *Event) Clone() *Event {
	if ev == nil {
		return nil
	}
	c := *ev
	c.Name = strings.Clone(ev.Name)
	c.Host = strings.Clone(ev.Host)
	c.Process = ev.Process.clone()
	if ev.Args != nil {
		c.Args = ev.Args.clone()
	}
	return &c
}

func (p Process) clone() Process {
	p.Comm = strings.Clone(p.Comm)
	p.Exe = strings.Clone(p.Exe)
	p.ContainerID = strings.Clone(p.ContainerID)
	return p
}

// Clone returns a deep copy of f, its event and data included, that
// shares no memory with it.
func (f *Finding) Clone() *Finding {
	if f == nil {
		return nil
	}
	c := *f
	c.ID = strings.Clone(f.ID)
	c.Host = strings.Clone(f.Host)
	c.Rule = f.Rule.clone()
	c.Process = f.Process.clone()
	c.Event = f.Event.Clone()
	if f.Data != nil {
		c.Data = make(map[string]any, len(f.Data))
		for k, v := range f.Data {
			c.Data[strings.Clone(k)] = cloneValue(v)
		}
	}
	return &c
}

func (r Rule) clone() Rule {
	r.Tags = cloneStrings(r.Tags)
	r.MITRE = cloneStrings(r.MITRE)
	return r
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s))
	for i := range s {
		out[i] = strings.Clone(s[i])
	}
	return out
}

func (a Args) clone() Args {
	out := make(Args, len(a))
	for i, arg := range a {
		out[i] = Arg{Name: strings.Clone(arg.Name), Value: cloneValue(arg.Value)}
	}
	return out
}

// cloneValue deep-copies an argument or finding data value. Scalars are
// boxed anew: the original box may live in memory its producer reuses.
func cloneValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		return x
	case uint64:
		return x
	case float64:
		return x
	case bool:
		return x
	case string:
		return strings.Clone(x)
	case Args:
		if x == nil {
			return x
		}
		return x.clone()
	case []any:
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i := range x {
			out[i] = cloneValue(x[i])
		}
		return out
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.Clone(k)] = cloneValue(e)
		}
		return out
	case []string:
		return cloneStrings(x)
	}
	return v
}
