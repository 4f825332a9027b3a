package event

import (
	"encoding/json"
	"math"
	"strconv"
)

// Arg is one named argument.
type Arg struct {
	Name  string
	Value any
}

// Args holds an event's named arguments, in the order the sensor produced
// them. It encodes to a JSON object ({"fd": 3, ...}), so rules and users see
// named fields, while building it costs one allocation instead of a map's
// dozens: the sensor builds an Args for every captured call.
//
// Values are one of: int64, uint64, float64, string, bool, nil, []any, or a
// nested Args (an object). Integers are int64 when they fit and uint64
// otherwise; Set, Normalize and JSON decoding all keep that form, so an event
// decoded from JSON equals the event that was encoded.
type Args []Arg

// Get returns the value of the named argument.
func (a Args) Get(name string) (any, bool) {
	for i := range a {
		if a[i].Name == name {
			return a[i].Value, true
		}
	}
	return nil, false
}

// Has reports whether the named argument is present.
func (a Args) Has(name string) bool {
	_, ok := a.Get(name)
	return ok
}

// Set stores v under name, replacing an existing value and normalising
// integer types.
func (a *Args) Set(name string, v any) {
	v = Normalize(v)
	for i := range *a {
		if (*a)[i].Name == name {
			(*a)[i].Value = v
			return
		}
	}
	*a = append(*a, Arg{name, v})
}

// Add appends name without checking for an existing argument of that name.
// It is for decoders building a fresh Args.
func (a *Args) Add(name string, v any) {
	*a = append(*a, Arg{name, Normalize(v)})
}

// AddInt appends a signed integer argument (no existence check).
func (a *Args) AddInt(name string, v int64) {
	*a = append(*a, Arg{name, boxInt(v)})
}

// AddUint appends an unsigned integer argument (no existence check).
func (a *Args) AddUint(name string, v uint64) {
	*a = append(*a, Arg{name, normUint(v)})
}

// boxedMinusOne avoids an allocation for the common "none" index.
var boxedMinusOne any = int64(-1)

func boxInt(v int64) any {
	if v == -1 {
		return boxedMinusOne
	}
	return v
}

// Map returns the arguments as a map, converting nested objects too.
func (a Args) Map() map[string]any {
	m := make(map[string]any, len(a))
	for _, arg := range a {
		m[arg.Name] = plain(arg.Value)
	}
	return m
}

func plain(v any) any {
	switch x := v.(type) {
	case Args:
		return x.Map()
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = plain(x[i])
		}
		return out
	}
	return v
}

// Normalize converts Go integer types to the int64/uint64 form Args uses,
// maps to Args, and recurses into slices. Other values are returned
// unchanged.
func Normalize(v any) any {
	switch x := v.(type) {
	case int64, uint8, string, bool, nil:
		return v
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return normUint(uint64(x))
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return normUint(x)
	case json.Number:
		return normNumber(x)
	case map[string]any:
		out := make(Args, 0, len(x))
		for k, v := range x {
			out = append(out, Arg{k, Normalize(v)})
		}
		sortArgs(out)
		return out
	case Args:
		for i := range x {
			x[i].Value = Normalize(x[i].Value)
		}
		return x
	case []any:
		for i := range x {
			x[i] = Normalize(x[i])
		}
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

func normUint(u uint64) any {
	if u <= math.MaxInt64 {
		return boxInt(int64(u))
	}
	return u
}

func normNumber(n json.Number) any {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}

// Int returns the named argument as a signed integer. ok is false when the
// argument is absent, not an integer, or does not fit in int64.
func (a Args) Int(name string) (v int64, ok bool) {
	x, _ := a.Get(name)
	switch x := x.(type) {
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

// Uint returns the named argument as an unsigned integer. ok is false when
// the argument is absent, negative or not an integer.
func (a Args) Uint(name string) (v uint64, ok bool) {
	x, _ := a.Get(name)
	switch x := x.(type) {
	case int64:
		if x >= 0 {
			return uint64(x), true
		}
	case uint64:
		return x, true
	}
	return 0, false
}

// String returns the named argument as a string.
func (a Args) String(name string) (v string, ok bool) {
	x, _ := a.Get(name)
	v, ok = x.(string)
	return v, ok
}

// Bool returns the named argument as a boolean.
func (a Args) Bool(name string) (v bool, ok bool) {
	x, _ := a.Get(name)
	v, ok = x.(bool)
	return v, ok
}

// Object returns the named argument as a nested object, such as one
// vmsplice iovec segment or the description of a file descriptor.
func (a Args) Object(name string) (Args, bool) {
	x, _ := a.Get(name)
	v, ok := x.(Args)
	return v, ok
}

// List returns the named argument as a list, such as vmsplice's iov.
func (a Args) List(name string) ([]any, bool) {
	x, _ := a.Get(name)
	v, ok := x.([]any)
	return v, ok
}
