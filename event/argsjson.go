package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MarshalJSON encodes the arguments as a JSON object, in order.
func (a Args) MarshalJSON() ([]byte, error) {
	if a == nil {
		return []byte("{}"), nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, arg := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(arg.Name)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(arg.Value)
		if err != nil {
			return nil, fmt.Errorf("encode arg %s: %w", arg.Name, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes a JSON object, keeping key order and exact
// integers. Nested objects become Args.
func (a *Args) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return fmt.Errorf("decode args: %w", err)
	}
	obj, ok := v.(Args)
	if !ok {
		if v == nil {
			*a = Args{}
			return nil
		}
		return errors.New("decode args: not a JSON object")
	}
	*a = obj
	return nil
}

// maxDepth bounds the nesting of decoded arguments: the input is hostile.
const maxDepth = 32

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := Args{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := kt.(string)
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
				if obj.Has(key) {
					return nil, fmt.Errorf("duplicate key %q", key)
				}
				obj = append(obj, Arg{key, v})
			}
			_, err := dec.Token() // '}'
			return obj, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token() // ']'
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		return normNumber(t), nil
	default:
		return t, nil // string, bool, nil
	}
}

func sortArgs(a Args) {
	slices.SortFunc(a, func(x, y Arg) int { return strings.Compare(x.Name, y.Name) })
}
