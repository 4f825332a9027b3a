package protocol

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/splicewatch/splicewatch/event"
)

// DecodeArgs decodes an Args message into event arguments, in the order
// they were encoded; nested objects become event.Args, as in events the
// sensor builds. A value without a known kind, nesting deeper than MaxDepth
// or bytes that are not protobuf are errors wrapping ErrMalformed.
func DecodeArgs(b []byte) (event.Args, error) {
	d := decoder{}
	return d.args(b, fieldArgsValues, 0)
}

// DecodeData decodes an Args message into a finding's data; nested objects
// become map[string]any, as event.DecodeFinding gives them.
func DecodeData(b []byte) (map[string]any, error) {
	d := decoder{plain: true}
	return d.object(b, fieldArgsValues, 0)
}

// decoder decodes Value messages; plain selects map[string]any over
// event.Args for objects.
type decoder struct {
	plain bool
}

func (d decoder) args(b []byte, field protowire.Number, depth int) (event.Args, error) {
	if depth > MaxDepth {
		return nil, errDepth
	}
	n, err := count(b, field)
	if err != nil {
		return nil, err
	}
	out := make(event.Args, 0, n)
	err = eachValue(b, field, func(v []byte) error {
		name, val, err := d.value(v, depth+1)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, event.Arg{Name: name, Value: val})
		return nil
	})
	return out, err
}

func (d decoder) object(b []byte, field protowire.Number, depth int) (map[string]any, error) {
	if depth > MaxDepth {
		return nil, errDepth
	}
	n, err := count(b, field)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, n)
	err = eachValue(b, field, func(v []byte) error {
		name, val, err := d.value(v, depth+1)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[name] = val
		return nil
	})
	return out, err
}

// count returns how many field number field b holds.
func count(b []byte, field protowire.Number) (int, error) {
	n := 0
	err := eachValue(b, field, func([]byte) error { n++; return nil })
	return n, err
}

// eachValue calls fn with the bytes of every length-delimited field number
// field in b, skipping other fields.
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

// value decodes one Value message into its name and Go value.
func (d decoder) value(b []byte, depth int) (name string, val any, err error) {
	var (
		kind Kind
		x    [fieldItems + 1]uint64 // varint and fixed64 fields by number
		s    string
	)
	for rest := b; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		if n < 0 {
			return "", nil, malformed(n)
		}
		rest = rest[n:]
		var u uint64
		switch typ {
		case protowire.VarintType:
			u, n = protowire.ConsumeVarint(rest)
		case protowire.Fixed64Type:
			u, n = protowire.ConsumeFixed64(rest)
		case protowire.BytesType:
			var v []byte
			v, n = protowire.ConsumeBytes(rest)
			switch num {
			case fieldName:
				name = intern(v)
			case fieldString:
				s = string(v)
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, rest)
		}
		if n < 0 {
			return "", nil, malformed(n)
		}
		rest = rest[n:]
		if num == fieldKind {
			kind = Kind(u)
		} else if num > 0 && int(num) < len(x) {
			x[num] = u
		}
	}
	switch kind {
	case Kind_KIND_NULL:
		return name, nil, nil
	case Kind_KIND_INT:
		return name, int64(x[fieldInt]), nil
	case Kind_KIND_UINT:
		return name, event.Normalize(x[fieldUint]), nil
	case Kind_KIND_FLOAT:
		return name, math.Float64frombits(x[fieldFloat]), nil
	case Kind_KIND_STRING:
		return name, s, nil
	case Kind_KIND_BOOL:
		return name, x[fieldBool] != 0, nil
	case Kind_KIND_LIST:
		if depth > MaxDepth {
			return name, nil, errDepth
		}
		list := []any{}
		err = eachValue(b, fieldItems, func(v []byte) error {
			_, e, err := d.value(v, depth+1)
			list = append(list, e)
			return err
		})
		return name, list, err
	case Kind_KIND_MAP:
		if d.plain {
			m, err := d.object(b, fieldItems, depth)
			return name, m, err
		}
		a, err := d.args(b, fieldItems, depth)
		return name, a, err
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
