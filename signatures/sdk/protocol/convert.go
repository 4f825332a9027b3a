package protocol

import (
	"errors"
	"fmt"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// MaxDepth bounds the nesting of lists and maps in a value, on both sides.
const MaxDepth = 32

// ErrMalformed reports a message that does not decode into valid event
// types: a value without a kind, nesting deeper than MaxDepth, an
// unsupported Go type.
var ErrMalformed = errors.New("malformed message")

// FromEvent encodes ev.
func FromEvent(ev *event.Event) (*Event, error) {
	args, err := fromMap(ev.Args, 0)
	if err != nil {
		return nil, fmt.Errorf("event %s args: %w", ev.Name, err)
	}
	p := &ev.Process
	return &Event{
		Name:         ev.Name,
		TimeUnixNano: ev.Time.UnixNano(),
		Host:         ev.Host,
		Process: &Process{
			Pid: p.PID, Tid: p.TID, Ppid: p.PPID, Uid: p.UID, Gid: p.GID,
			Comm: p.Comm, Exe: p.Exe, CgroupId: p.CgroupID, MntNs: p.MntNS,
			PidNs: p.PidNS, ContainerId: p.ContainerID,
		},
		Args:       args,
		Ret:        ev.Ret,
		DurationNs: ev.DurationNS,
	}, nil
}

// ToEvent decodes m.
func ToEvent(m *Event) (*event.Event, error) {
	if m.GetName() == "" {
		return nil, fmt.Errorf("event without a name: %w", ErrMalformed)
	}
	args, err := toMap(m.GetArgs(), 0)
	if err != nil {
		return nil, fmt.Errorf("event %s args: %w", m.GetName(), err)
	}
	p := m.GetProcess()
	return &event.Event{
		Name: m.GetName(),
		Time: time.Unix(0, m.GetTimeUnixNano()).UTC(),
		Host: m.GetHost(),
		Process: event.Process{
			PID: p.GetPid(), TID: p.GetTid(), PPID: p.GetPpid(), UID: p.GetUid(), GID: p.GetGid(),
			Comm: p.GetComm(), Exe: p.GetExe(), CgroupID: p.GetCgroupId(), MntNS: p.GetMntNs(),
			PidNS: p.GetPidNs(), ContainerID: p.GetContainerId(),
		},
		Args:       event.Args(args),
		Ret:        m.GetRet(),
		DurationNS: m.GetDurationNs(),
	}, nil
}

// FromRule encodes rule metadata.
func FromRule(r event.Rule) *Rule {
	return &Rule{
		Id: r.ID, Name: r.Name, Severity: int32(r.Severity), Description: r.Description,
		Tags: r.Tags, Mitre: r.MITRE, Version: r.Version,
	}
}

// ToRule decodes rule metadata.
func ToRule(m *Rule) event.Rule {
	return event.Rule{
		ID: m.GetId(), Name: m.GetName(), Severity: event.Severity(m.GetSeverity()),
		Description: m.GetDescription(), Tags: m.GetTags(), MITRE: m.GetMitre(), Version: m.GetVersion(),
	}
}

// FromData encodes a finding's data.
func FromData(data map[string]any) (*Map, error) {
	fields, err := fromMap(data, 0)
	if err != nil {
		return nil, err
	}
	return &Map{Fields: fields}, nil
}

// ToData decodes a finding's data.
func ToData(m *Map) (map[string]any, error) {
	return toMap(m.GetFields(), 0)
}

func fromMap(m map[string]any, depth int) (map[string]*Value, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("nested deeper than %d: %w", MaxDepth, ErrMalformed)
	}
	out := make(map[string]*Value, len(m))
	for k, v := range m {
		pv, err := fromValue(v, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = pv
	}
	return out, nil
}

func fromValue(v any, depth int) (*Value, error) {
	switch x := event.Normalize(v).(type) {
	case nil:
		return &Value{Kind: &Value_Null{Null: true}}, nil
	case int64:
		return &Value{Kind: &Value_Int{Int: x}}, nil
	case uint64:
		return &Value{Kind: &Value_Uint{Uint: x}}, nil
	case float64:
		return &Value{Kind: &Value_Float{Float: x}}, nil
	case float32:
		return &Value{Kind: &Value_Float{Float: float64(x)}}, nil
	case string:
		return &Value{Kind: &Value_String_{String_: x}}, nil
	case bool:
		return &Value{Kind: &Value_Bool{Bool: x}}, nil
	case []string:
		vals := make([]*Value, len(x))
		for i, s := range x {
			vals[i] = &Value{Kind: &Value_String_{String_: s}}
		}
		return &Value{Kind: &Value_List{List: &List{Values: vals}}}, nil
	case []any:
		if depth > MaxDepth {
			return nil, fmt.Errorf("nested deeper than %d: %w", MaxDepth, ErrMalformed)
		}
		vals := make([]*Value, len(x))
		for i, e := range x {
			pv, err := fromValue(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			vals[i] = pv
		}
		return &Value{Kind: &Value_List{List: &List{Values: vals}}}, nil
	case map[string]any:
		fields, err := fromMap(x, depth)
		if err != nil {
			return nil, err
		}
		return &Value{Kind: &Value_Map{Map: &Map{Fields: fields}}}, nil
	default:
		return nil, fmt.Errorf("unsupported type %T: %w", v, ErrMalformed)
	}
}

func toMap(m map[string]*Value, depth int) (map[string]any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("nested deeper than %d: %w", MaxDepth, ErrMalformed)
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		gv, err := toValue(v, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = gv
	}
	return out, nil
}

func toValue(v *Value, depth int) (any, error) {
	switch x := v.GetKind().(type) {
	case *Value_Null:
		return nil, nil
	case *Value_Int:
		return x.Int, nil
	case *Value_Uint:
		// Keep the event package's form: int64 when it fits.
		return event.Normalize(x.Uint), nil
	case *Value_Float:
		return x.Float, nil
	case *Value_String_:
		return x.String_, nil
	case *Value_Bool:
		return x.Bool, nil
	case *Value_List:
		if depth > MaxDepth {
			return nil, fmt.Errorf("nested deeper than %d: %w", MaxDepth, ErrMalformed)
		}
		vals := x.List.GetValues()
		out := make([]any, len(vals))
		for i, e := range vals {
			gv, err := toValue(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = gv
		}
		return out, nil
	case *Value_Map:
		return toMap(x.Map.GetFields(), depth)
	default:
		return nil, fmt.Errorf("value without a kind: %w", ErrMalformed)
	}
}
