package protocol

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/splicewatch/splicewatch/event"
)

// Field numbers of Args and Value in plugin.proto. AppendArgs, AppendData
// and the decoders read and write those messages directly with protowire,
// from and to Go values, without a Value struct per argument: several times
// cheaper than the generated code. Any protobuf library decodes the bytes
// as an Args message, and the decoders accept any valid encoding of one.
const (
	fieldArgsValues = 1
	fieldKind       = 1
	fieldName       = 2
	fieldInt        = 3
	fieldUint       = 4
	fieldFloat      = 5
	fieldString     = 6
	fieldBool       = 7
	fieldItems      = 8
)

var errDepth = fmt.Errorf("nested deeper than %d: %w", MaxDepth, ErrMalformed)

// AppendArgs appends to b the encoding of an Args message holding a, in
// order. Values must be of the types event.Args holds (Go integer types
// and maps are normalised); anything else is an error wrapping
// ErrMalformed.
func AppendArgs(b []byte, a event.Args) ([]byte, error) {
	n, err := sizeValue("", a, 0)
	if err != nil {
		return nil, err
	}
	b = grow(b, n)
	return appendArgs(b, fieldArgsValues, a, 0)
}

// AppendData appends to b the encoding of an Args message holding a
// finding's data.
func AppendData(b []byte, m map[string]any) ([]byte, error) {
	n, err := sizeValue("", m, 0)
	if err != nil {
		return nil, err
	}
	b = grow(b, n)
	return appendMap(b, fieldArgsValues, m, 0)
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		b = append(make([]byte, 0, len(b)+n), b...)
	}
	return b
}

func appendArgs(b []byte, field protowire.Number, a event.Args, depth int) ([]byte, error) {
	var err error
	for _, arg := range a {
		if b, err = appendValue(b, field, arg.Name, arg.Value, depth+1); err != nil {
			return nil, fmt.Errorf("%s: %w", arg.Name, err)
		}
	}
	return b, nil
}

func appendMap(b []byte, field protowire.Number, m map[string]any, depth int) ([]byte, error) {
	var err error
	for k, v := range m {
		if b, err = appendValue(b, field, k, v, depth+1); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	return b, nil
}

// appendValue appends one Value as field number field. The message length
// comes first, so the value is sized before it is written.
func appendValue(b []byte, field protowire.Number, name string, v any, depth int) ([]byte, error) {
	n, err := sizeValue(name, v, depth)
	if err != nil {
		return nil, err
	}
	b = protowire.AppendTag(b, field, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n))
	v = scalar(v)
	kind, _ := kindOf(v)
	b = protowire.AppendTag(b, fieldKind, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(kind))
	if name != "" {
		b = protowire.AppendTag(b, fieldName, protowire.BytesType)
		b = protowire.AppendString(b, name)
	}
	switch x := v.(type) {
	case int64:
		b = protowire.AppendTag(b, fieldInt, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(x))
	case uint64:
		b = protowire.AppendTag(b, fieldUint, protowire.VarintType)
		b = protowire.AppendVarint(b, x)
	case float64:
		b = protowire.AppendTag(b, fieldFloat, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(x))
	case string:
		b = protowire.AppendTag(b, fieldString, protowire.BytesType)
		b = protowire.AppendString(b, x)
	case bool:
		b = protowire.AppendTag(b, fieldBool, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeBool(x))
	case []any:
		for _, e := range x {
			if b, err = appendValue(b, fieldItems, "", e, depth+1); err != nil {
				return nil, err
			}
		}
	case []string:
		for _, e := range x {
			b, _ = appendValue(b, fieldItems, "", e, depth+1)
		}
	case map[string]any:
		return appendMap(b, fieldItems, x, depth)
	case event.Args:
		return appendArgs(b, fieldItems, x, depth)
	}
	return b, nil
}

// scalar converts Go integer types to int64, or uint64 above MaxInt64.
func scalar(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		return scalar(uint64(x))
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
	case float32:
		return float64(x)
	}
	return v
}

// kindOf classifies a value already passed through scalar.
func kindOf(v any) (Kind, bool) {
	switch v.(type) {
	case nil:
		return Kind_KIND_NULL, true
	case int64:
		return Kind_KIND_INT, true
	case uint64:
		return Kind_KIND_UINT, true
	case float64:
		return Kind_KIND_FLOAT, true
	case string:
		return Kind_KIND_STRING, true
	case bool:
		return Kind_KIND_BOOL, true
	case []any, []string:
		return Kind_KIND_LIST, true
	case map[string]any, event.Args:
		return Kind_KIND_MAP, true
	}
	return Kind_KIND_UNSPECIFIED, false
}

// sizeValue returns the encoded size of a Value's body.
func sizeValue(name string, v any, depth int) (int, error) {
	if depth > MaxDepth {
		return 0, errDepth
	}
	v = scalar(v)
	kind, ok := kindOf(v)
	if !ok {
		return 0, fmt.Errorf("unsupported type %T: %w", v, ErrMalformed)
	}
	n := 1 + protowire.SizeVarint(uint64(kind))
	if name != "" {
		n += 1 + protowire.SizeBytes(len(name))
	}
	add := func(name string, e any) error {
		s, err := sizeValue(name, e, depth+1)
		if err != nil {
			if name != "" {
				return fmt.Errorf("%s: %w", name, err)
			}
			return err
		}
		n += 1 + protowire.SizeBytes(s)
		return nil
	}
	var err error
	switch x := v.(type) {
	case int64:
		n += 1 + protowire.SizeVarint(uint64(x))
	case uint64:
		n += 1 + protowire.SizeVarint(x)
	case float64:
		n += 1 + 8
	case string:
		n += 1 + protowire.SizeBytes(len(x))
	case bool:
		n += 2
	case []any:
		for _, e := range x {
			if err = add("", e); err != nil {
				break
			}
		}
	case []string:
		for _, e := range x {
			n += 1 + protowire.SizeBytes(2+1+protowire.SizeBytes(len(e)))
		}
	case map[string]any:
		for k, e := range x {
			if err = add(k, e); err != nil {
				break
			}
		}
	case event.Args:
		for _, arg := range x {
			if err = add(arg.Name, arg.Value); err != nil {
				break
			}
		}
	}
	return n, err
}
