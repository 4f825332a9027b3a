package event

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Args holds an event's named arguments. Values are one of: int64, uint64,
// float64, string, bool, []any, map[string]any, or nil. Integers are int64
// when they fit and uint64 otherwise; Set and JSON decoding both keep that
// form, so an event decoded from JSON equals the event that was encoded.
type Args map[string]any

// Set stores v under name, normalising integer types.
func (a Args) Set(name string, v any) {
	a[name] = Normalize(v)
}

// Normalize converts Go integer types to the int64/uint64 form Args uses and
// recurses into slices and maps. Other values are returned unchanged.
func Normalize(v any) any {
	switch x := v.(type) {
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
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return normUint(x)
	case json.Number:
		return normNumber(x)
	case Args:
		return normMap(map[string]any(x))
	case map[string]any:
		return normMap(x)
	case []any:
		for i := range x {
			x[i] = Normalize(x[i])
		}
		return x
	}
	return v
}

func normUint(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return u
}

func normMap(m map[string]any) map[string]any {
	for k, v := range m {
		m[k] = Normalize(v)
	}
	return m
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

// UnmarshalJSON decodes arguments keeping integers exact.
func (a *Args) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := decodeExact(b, &m); err != nil {
		return fmt.Errorf("decode args: %w", err)
	}
	*a = Args(normMap(m))
	return nil
}

// Int returns the named argument as a signed integer. ok is false when the
// argument is absent, not an integer, or does not fit in int64.
func (a Args) Int(name string) (v int64, ok bool) {
	switch x := a[name].(type) {
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
	switch x := a[name].(type) {
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
	v, ok = a[name].(string)
	return v, ok
}

// Bool returns the named argument as a boolean.
func (a Args) Bool(name string) (v bool, ok bool) {
	v, ok = a[name].(bool)
	return v, ok
}

// Object returns the named argument as a nested object, such as the
// description of a file descriptor.
func (a Args) Object(name string) (Args, bool) {
	switch x := a[name].(type) {
	case map[string]any:
		return Args(x), true
	case Args:
		return x, true
	}
	return nil, false
}

// List returns the named argument as a list, such as vmsplice's iov.
func (a Args) List(name string) ([]any, bool) {
	v, ok := a[name].([]any)
	return v, ok
}
