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
	args, err := AppendArgs(nil, ev.Args)
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
	args, err := DecodeArgs(m.GetArgs())
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
		Args:       args,
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

// FromData encodes a finding's data as an Args message.
func FromData(data map[string]any) ([]byte, error) {
	return AppendData(nil, data)
}

// ToData decodes a finding's data from an Args message.
func ToData(b []byte) (map[string]any, error) {
	return DecodeData(b)
}
