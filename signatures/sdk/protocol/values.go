package protocol

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/splicewatch/splicewatch/event"
)

// Field numbers of Args and Value in plugin.proto. AppendArgs and
// DecodeArgs read and write those messages directly with protowire, from
// and to Go maps, without a Value struct per argument: several times
// cheaper than the generated code. Any protobuf library decodes the bytes
// as an Args message, and DecodeArgs accepts any valid encoding of one.
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

// AppendArgs appends to b the encoding of an Args message holding m.
// Values must be of the types event.Args holds (Go integer types are
// normalised); anything else is an error wrapping ErrMalformed.
func AppendArgs(b []byte, m map[string]any) ([]byte, error) {
	if b == nil {
		n, err := sizeEntries(0, m, 0)
		if err != nil {
			return nil, err
		}
		b = make([]byte, 0, n)
	}
	return appendEntries(b, fieldArgsValues, m, 0)
}

func appendEntries(b []byte, field protowire.Number, m map[string]any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, errDepth
	}
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
	kind, _ := kindOf(v)
	b = protowire.AppendTag(b, fieldKind, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(kind))
	if name != "" {
		b = protowire.AppendTag(b, fieldName, protowire.BytesType)
		b = protowire.AppendString(b, name)
	}
	switch x := v.(type) {
	case int64, int, int32, int16, int8, uint64, uint, uint32, uint16, uint8:
		switch y := event.Normalize(x).(type) {
		case int64:
			b = protowire.AppendTag(b, fieldInt, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(y))
		case uint64:
			b = protowire.AppendTag(b, fieldUint, protowire.VarintType)
			b = protowire.AppendVarint(b, y)
		}
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
		return appendEntries(b, fieldItems, x, depth)
	case event.Args:
		return appendEntries(b, fieldItems, x, depth)
	}
	return b, nil
}

// kindOf classifies a Go value.
func kindOf(v any) (Kind, bool) {
	switch v.(type) {
	case nil:
		return Kind_KIND_NULL, true
	case int64, int, int32, int16, int8, uint32, uint16, uint8:
		return Kind_KIND_INT, true
	case uint64:
		if v.(uint64) > math.MaxInt64 {
			return Kind_KIND_UINT, true
		}
		return Kind_KIND_INT, true
	case uint:
		if uint64(v.(uint)) > math.MaxInt64 {
			return Kind_KIND_UINT, true
		}
		return Kind_KIND_INT, true
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
	kind, ok := kindOf(v)
	if !ok {
		return 0, fmt.Errorf("unsupported type %T: %w", v, ErrMalformed)
	}
	n := 1 + protowire.SizeVarint(uint64(kind))
	if name != "" {
		n += 1 + protowire.SizeBytes(len(name))
	}
	switch x := v.(type) {
	case float64:
		n += 1 + 8
	case string:
		n += 1 + protowire.SizeBytes(len(x))
	case bool:
		n += 2
	case []any:
		for _, e := range x {
			m, err := sizeValue("", e, depth+1)
			if err != nil {
				return 0, err
			}
			n += 1 + protowire.SizeBytes(m)
		}
	case []string:
		for _, e := range x {
			n += 1 + protowire.SizeBytes(2+1+protowire.SizeBytes(len(e)))
		}
	case map[string]any:
		return sizeEntries(n, x, depth)
	case event.Args:
		return sizeEntries(n, x, depth)
	case nil:
	default: // an integer
		switch y := event.Normalize(x).(type) {
		case int64:
			n += 1 + protowire.SizeVarint(uint64(y))
		case uint64:
			n += 1 + protowire.SizeVarint(y)
		}
	}
	return n, nil
}

func sizeEntries(n int, m map[string]any, depth int) (int, error) {
	for k, e := range m {
		s, err := sizeValue(k, e, depth+1)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", k, err)
		}
		n += 1 + protowire.SizeBytes(s)
	}
	return n, nil
}
