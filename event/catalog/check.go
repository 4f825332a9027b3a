package catalog

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"

	"github.com/splicewatch/splicewatch/event"
)

// ErrUnknownEvent is returned for an event name without a definition.
var ErrUnknownEvent = errors.New("unknown event")

// Check reports every way ev's arguments differ from the definition of its
// event: an argument that is not defined, a required one that is missing, or
// a value of the wrong type or range. It returns nil when they match.
func Check(ev *event.Event) error {
	def, ok := Lookup(ev.Name)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownEvent, ev.Name)
	}
	if err := checkArgs(def.Args, ev.Args); err != nil {
		return fmt.Errorf("%s: %w", ev.Name, err)
	}
	return nil
}

// checkArgs checks args against the definitions defs.
func checkArgs(defs []Arg, args event.Args) error {
	var errs []error
	for _, a := range args {
		i := slices.IndexFunc(defs, func(d Arg) bool { return d.Name == a.Name })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s: not defined", a.Name))
			continue
		}
		if err := checkValue(&defs[i], a.Value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Name, err))
		}
	}
	for i := range defs {
		if !defs[i].Has(TagOptional) && !args.Has(defs[i].Name) {
			errs = append(errs, fmt.Errorf("%s: missing", defs[i].Name))
		}
	}
	return errors.Join(errs...)
}

// intRange is the inclusive range of each signed integer type.
var intRange = map[Type][2]int64{
	TypeInt32:  {math.MinInt32, math.MaxInt32},
	TypeInt64:  {math.MinInt64, math.MaxInt64},
	TypeUint32: {0, math.MaxUint32},
}

func checkValue(def *Arg, v any) error {
	switch def.Type {
	case TypeInt32, TypeInt64, TypeUint32:
		r := intRange[def.Type]
		if x, ok := v.(int64); !ok || x < r[0] || x > r[1] {
			return fmt.Errorf("%#v is not an %s", v, def.Type)
		}
	case TypeUint64, TypeAddress:
		switch x := v.(type) {
		case uint64:
		case int64:
			if x < 0 {
				return fmt.Errorf("%d is negative, want %s", x, def.Type)
			}
		default:
			return fmt.Errorf("%#v is not an %s", v, def.Type)
		}
	case TypeBool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%#v is not a bool", v)
		}
	case TypeString:
		return checkString(def, v)
	case TypeStrings:
		return checkList(def, v, func(x any) error { return checkString(def, x) })
	case TypeObject:
		obj, ok := v.(event.Args)
		if !ok {
			return fmt.Errorf("%#v is not an object", v)
		}
		return checkArgs(def.Fields, obj)
	case TypeObjects:
		return checkList(def, v, func(x any) error {
			obj, ok := x.(event.Args)
			if !ok {
				return fmt.Errorf("%#v is not an object", x)
			}
			return checkArgs(def.Fields, obj)
		})
	default:
		return fmt.Errorf("definition has unknown type %q", def.Type)
	}
	return nil
}

func checkString(def *Arg, v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%#v is not a string", v)
	}
	if len(def.Enum) == 0 && def.Pattern == "" || slices.Contains(def.Enum, s) {
		return nil
	}
	if def.Pattern != "" {
		if re, err := regexp.Compile(def.Pattern); err == nil && re.MatchString(s) {
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %v", s, def.Enum)
}

func checkList(def *Arg, v any, item func(any) error) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%#v is not a list", v)
	}
	if def.MaxItems > 0 && len(list) > def.MaxItems {
		return fmt.Errorf("%d items, at most %d allowed", len(list), def.MaxItems)
	}
	for i, x := range list {
		if err := item(x); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}
