package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// traceeEvent is the part of Tracee's event JSON that maps onto a
// splicewatch event.
type traceeEvent struct {
	Timestamp       int64  `json:"timestamp"`
	ProcessID       uint32 `json:"processId"`
	ThreadID        uint32 `json:"threadId"`
	ParentProcessID uint32 `json:"parentProcessId"`
	UserID          uint32 `json:"userId"`
	MountNamespace  uint32 `json:"mountNamespace"`
	PidNamespace    uint32 `json:"pidNamespace"`
	CgroupID        uint64 `json:"cgroupId"`
	ProcessName     string `json:"processName"`
	HostName        string `json:"hostName"`
	ContainerID     string `json:"containerId"`
	Container       struct {
		ID string `json:"id"`
	} `json:"container"`
	Executable struct {
		Path string `json:"path"`
	} `json:"executable"`
	EventName   string `json:"eventName"`
	ReturnValue int64  `json:"returnValue"`
	Args        []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"args"`
}

// DecodeTracee converts one event in Tracee's JSON into a splicewatch
// event: eventName becomes the name, args[{name, value}] the named
// arguments (integers exact), returnValue ret, timestamp (ns) the time,
// and the process fields their splicewatch counterparts.
func DecodeTracee(b []byte) (*event.Event, error) {
	var te traceeEvent
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&te); err != nil {
		return nil, fmt.Errorf("decode tracee event: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode tracee event: trailing data after JSON value")
	}
	if te.EventName == "" {
		return nil, errors.New("decode tracee event: missing \"eventName\"")
	}
	ev := &event.Event{
		Name: te.EventName,
		Time: time.Unix(0, te.Timestamp).UTC(),
		Host: te.HostName,
		Process: event.Process{
			PID: te.ProcessID, TID: te.ThreadID, PPID: te.ParentProcessID,
			UID: te.UserID, Comm: te.ProcessName, Exe: te.Executable.Path,
			CgroupID: te.CgroupID, MntNS: te.MountNamespace, PidNS: te.PidNamespace,
			ContainerID: te.ContainerID,
		},
		Args: event.Args{},
		Ret:  te.ReturnValue,
	}
	if ev.Process.ContainerID == "" {
		ev.Process.ContainerID = te.Container.ID
	}
	for _, a := range te.Args {
		if a.Name == "" {
			return nil, errors.New("decode tracee event: argument without a name")
		}
		ev.Args.Set(a.Name, a.Value)
	}
	return ev, nil
}
