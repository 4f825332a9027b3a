package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// SchemaID is the $id of the generated event schema.
var SchemaID = fmt.Sprintf("urn:splicewatch:event:v%d", event.SchemaVersion)

// obj is a JSON object under construction; encoding/json sorts its keys,
// so the generated schema is deterministic.
type obj = map[string]any

// Schema returns the JSON Schema (draft 2020-12) of an event, generated from
// the definitions: the envelope, and per event name its arguments.
// Arguments are closed (additionalProperties false) because the schema is
// generated together with the sensor: a new argument appears in both.
func Schema() ([]byte, error) {
	envelope := Envelope()
	props, required := properties(envelope)
	var cases []any
	defs := obj{}
	for _, e := range All() {
		ref := strings.ReplaceAll(e.Name, "_", "-") + "-args"
		a := argsSchema(e.Args)
		a["description"] = "Arguments of " + e.Name + ": " + e.Summary + "."
		if e.Pending != "" {
			a["description"] = a["description"].(string) + " Not emitted yet: " + plainText(e.Pending)
		}
		defs[ref] = a
		cases = append(cases, obj{
			"if":   obj{"properties": obj{"name": obj{"const": e.Name}}, "required": []string{"name"}},
			"then": obj{"properties": obj{"args": obj{"$ref": "#/$defs/" + ref}}},
		})
	}
	s := obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaID,
		"title":                "splicewatch event",
		"description":          fmt.Sprintf("One splicewatch event (schema version %d). Generated from event/catalog; do not edit.", event.SchemaVersion),
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
		"allOf":                cases,
		"$defs":                defs,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return b.Bytes(), nil
}

// argsSchema is the schema of an object whose members are defs.
func argsSchema(defs []Arg) obj {
	props, required := properties(defs)
	return obj{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
}

func properties(defs []Arg) (props obj, required []string) {
	props = obj{}
	required = []string{}
	for i := range defs {
		d := &defs[i]
		props[d.Name] = valueSchema(d)
		if !d.Has(TagOptional) {
			required = append(required, d.Name)
		}
	}
	return props, required
}

func valueSchema(d *Arg) obj {
	s := obj{}
	switch d.Type {
	case TypeInt32:
		s = obj{"type": "integer", "minimum": math.MinInt32, "maximum": math.MaxInt32}
	case TypeInt64:
		s = obj{"type": "integer", "minimum": int64(math.MinInt64), "maximum": int64(math.MaxInt64)}
	case TypeUint32:
		s = obj{"type": "integer", "minimum": 0, "maximum": uint64(math.MaxUint32)}
	case TypeUint64, TypeAddress:
		s = obj{"type": "integer", "minimum": 0, "maximum": uint64(math.MaxUint64)}
	case TypeBool:
		s = obj{"type": "boolean"}
	case TypeTime:
		s = obj{"type": "string", "format": "date-time"}
	case TypeString:
		s = stringSchema(d)
	case TypeStrings:
		s = obj{"type": "array", "items": stringSchema(d)}
	case TypeObjects:
		s = obj{"type": "array", "items": argsSchema(d.Fields)}
	case TypeObject:
		if len(d.Fields) > 0 {
			s = argsSchema(d.Fields)
		} else {
			s = obj{"type": "object"}
		}
	}
	if d.MaxItems > 0 {
		s["maxItems"] = d.MaxItems
	}
	s["description"] = plainText(d.Description)
	return s
}

func stringSchema(d *Arg) obj {
	switch {
	case len(d.Enum) > 0 && d.Pattern != "":
		return obj{"type": "string", "anyOf": []any{obj{"enum": d.Enum}, obj{"pattern": d.Pattern}}}
	case len(d.Enum) > 0:
		return obj{"type": "string", "enum": d.Enum}
	case d.Pattern != "":
		return obj{"type": "string", "pattern": d.Pattern}
	}
	return obj{"type": "string"}
}

// plainText drops Markdown strong emphasis and code marks from a
// description. Definitions use no other Markdown.
func plainText(s string) string {
	return strings.NewReplacer("`", "", "**", "").Replace(s)
}
