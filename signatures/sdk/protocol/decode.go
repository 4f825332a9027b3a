package protocol

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/splicewatch/splicewatch/event"
)

// DecodeArgs decodes an Args message into a map, the way event.Args holds
// values. A value without a known kind, nesting deeper than MaxDepth or
// bytes that are not protobuf are errors wrapping ErrMalformed.
func DecodeArgs(b []byte) (map[string]any, error) {
	return decodeEntries(b, fieldArgsValues, 0)
}

// decodeEntries decodes every field number field of message b as a named
// Value, skipping other fields.
func decodeEntries(b []byte, field protowire.Number, depth int) (map[string]any, error) {
	if depth > MaxDepth {
		return nil, errDepth
	}
	n := 0
	if err := eachValue(b, field, func([]byte) error { n++; return nil }); err != nil {
		return nil, err
	}
	out := make(map[string]any, n)
	err := eachValue(b, field, func(v []byte) error {
		name, val, err := decodeValue(v, depth+1)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[name] = val
		return nil
	})
	return out, err
}

// eachValue calls fn with the bytes of every length-delimited field number
// field in b.
func eachValue(b []byte, field protowire.Number, fn func([]byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return malformed(n)
		}
		b = b[n:]
		if num == field && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return malformed(n)
			}
			if err := fn(v); err != nil {
				return err
			}
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return malformed(n)
		}
		b = b[n:]
	}
	return nil
}

// decodeValue decodes one Value message into its name and Go value.
func decodeValue(b []byte, depth int) (name string, val any, err error) {
	var (
		kind  Kind
		i     int64
		u     uint64
		f     float64
		s     string
		bl    bool
		items bool
	)
	for rest := b; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		if n < 0 {
			return "", nil, malformed(n)
		}
		rest = rest[n:]
		var x uint64
		switch {
		case typ == protowire.VarintType:
			x, n = protowire.ConsumeVarint(rest)
		case typ == protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(rest)
		case typ == protowire.BytesType:
			var v []byte
			v, n = protowire.ConsumeBytes(rest)
			switch num {
			case fieldName:
				name = intern(v)
			case fieldString:
				s = string(v)
			case fieldItems:
				items = true
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, rest)
		}
		if n < 0 {
			return "", nil, malformed(n)
		}
		rest = rest[n:]
		switch num {
		case fieldKind:
			kind = Kind(x)
		case fieldInt:
			i = int64(x)
		case fieldUint:
			u = x
		case fieldFloat:
			f = math.Float64frombits(x)
		case fieldBool:
			bl = x != 0
		}
	}
	switch kind {
	case Kind_KIND_NULL:
		return name, nil, nil
	case Kind_KIND_INT:
		return name, i, nil
	case Kind_KIND_UINT:
		return name, event.Normalize(u), nil
	case Kind_KIND_FLOAT:
		return name, f, nil
	case Kind_KIND_STRING:
		return name, s, nil
	case Kind_KIND_BOOL:
		return name, bl, nil
	case Kind_KIND_LIST:
		if depth > MaxDepth {
			return name, nil, errDepth
		}
		list := []any{}
		if items {
			err = eachValue(b, fieldItems, func(v []byte) error {
				_, e, err := decodeValue(v, depth+1)
				list = append(list, e)
				return err
			})
		}
		return name, list, err
	case Kind_KIND_MAP:
		m, err := decodeEntries(b, fieldItems, depth)
		return name, m, err
	}
	return name, nil, fmt.Errorf("value of unknown kind %d: %w", kind, ErrMalformed)
}

func malformed(n int) error {
	return fmt.Errorf("%w: %w", ErrMalformed, protowire.ParseError(n))
}

// knownNames are the argument names of the event contract. Decoding looks
// names up here instead of allocating a new string for each.
var knownNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"fd", "iov_addr", "nr_segs", "flags", "flag_names", "iov", "base", "len", "user_limit",
		"segs_scanned", "kernel_segs", "kernel_first", "kernel_first_base", "overlong_segs",
		"overlong_first", "overlong_first_base", "overlong_first_len", "iov_read_error",
		"fd_in", "off_in", "off_in_value", "fd_out", "off_out", "off_out_value",
		"out_fd", "in_fd", "offset", "offset_value", "count", "lost", "reason",
		"fd_in_info", "fd_out_info", "fd_info", "type", "path", "inode",
	} {
		m[n] = n
	}
	return m
}()

func intern(b []byte) string {
	if s, ok := knownNames[string(b)]; ok {
		return s
	}
	return string(b)
}
