package rego

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// Object keys of Tracee's event shape, built once.
var (
	tkTimestamp    = ast.StringTerm("timestamp")
	tkProcessID    = ast.StringTerm("processId")
	tkThreadID     = ast.StringTerm("threadId")
	tkParentPID    = ast.StringTerm("parentProcessId")
	tkHostPID      = ast.StringTerm("hostProcessId")
	tkHostTID      = ast.StringTerm("hostThreadId")
	tkHostPPID     = ast.StringTerm("hostParentProcessId")
	tkUserID       = ast.StringTerm("userId")
	tkMountNS      = ast.StringTerm("mountNamespace")
	tkPidNS        = ast.StringTerm("pidNamespace")
	tkCgroupID     = ast.StringTerm("cgroupId")
	tkProcessName  = ast.StringTerm("processName")
	tkExecutable   = ast.StringTerm("executable")
	tkPath         = ast.StringTerm("path")
	tkHostName     = ast.StringTerm("hostName")
	tkContainerID  = ast.StringTerm("containerId")
	tkContainer    = ast.StringTerm("container")
	tkID           = ast.StringTerm("id")
	tkEventName    = ast.StringTerm("eventName")
	tkArgsNum      = ast.StringTerm("argsNum")
	tkReturnValue  = ast.StringTerm("returnValue")
	tkArgs         = ast.StringTerm("args")
	tkArgName      = ast.StringTerm("name")
	tkArgType      = ast.StringTerm("type")
	tkArgValue     = ast.StringTerm("value")
	tkTypeLong     = ast.StringTerm("long")
	tkTypeULong    = ast.StringTerm("unsigned long")
	tkTypeString   = ast.StringTerm("const char*")
	tkTypeBool     = ast.StringTerm("bool")
	tkTypeFloat    = ast.StringTerm("double")
	tkTypeSlice    = ast.StringTerm("[]interface{}")
	tkTypeMap      = ast.StringTerm("map[string]interface{}")
	tkTypeNull     = ast.StringTerm("unknown")
	tkEmptyStrTerm = ast.StringTerm("")
)

// TraceeValue returns ev in the shape Tracee's legacy Rego signatures read:
// eventName, processId, threadId, processName, hostName, timestamp (ns),
// returnValue, args as a list of {name, type, value} sorted by name, and
// the other process fields under Tracee's names. The host and namespace
// ids are the same, since a splicewatch event carries only one pid.
func TraceeValue(ev *event.Event) ast.Value {
	p := &ev.Process
	obj := ast.NewObjectWithCapacity(22)
	obj.Insert(tkTimestamp, intTerm(ev.Time.UnixNano()))
	obj.Insert(tkProcessID, uintTerm(uint64(p.PID)))
	obj.Insert(tkThreadID, uintTerm(uint64(p.TID)))
	obj.Insert(tkParentPID, uintTerm(uint64(p.PPID)))
	obj.Insert(tkHostPID, uintTerm(uint64(p.PID)))
	obj.Insert(tkHostTID, uintTerm(uint64(p.TID)))
	obj.Insert(tkHostPPID, uintTerm(uint64(p.PPID)))
	obj.Insert(tkUserID, uintTerm(uint64(p.UID)))
	obj.Insert(tkMountNS, uintTerm(uint64(p.MntNS)))
	obj.Insert(tkPidNS, uintTerm(uint64(p.PidNS)))
	obj.Insert(tkCgroupID, uintTerm(p.CgroupID))
	obj.Insert(tkProcessName, ast.StringTerm(p.Comm))
	obj.Insert(tkExecutable, ast.ObjectTerm([2]*ast.Term{tkPath, ast.StringTerm(p.Exe)}))
	obj.Insert(tkHostName, ast.StringTerm(ev.Host))
	obj.Insert(tkContainerID, ast.StringTerm(p.ContainerID))
	obj.Insert(tkContainer, ast.ObjectTerm([2]*ast.Term{tkID, ast.StringTerm(p.ContainerID)}))
	obj.Insert(tkEventName, ast.StringTerm(ev.Name))
	obj.Insert(tkArgsNum, intTerm(int64(len(ev.Args))))
	obj.Insert(tkReturnValue, intTerm(ev.Ret))
	args := make([]*ast.Term, 0, len(ev.Args))
	for _, name := range sortedArgNames(ev.Args) {
		v, _ := ev.Args.Get(name)
		args = append(args, ast.ObjectTerm(
			[2]*ast.Term{tkArgName, ast.StringTerm(name)},
			[2]*ast.Term{tkArgType, traceeType(v)},
			[2]*ast.Term{tkArgValue, valueTerm(v)},
		))
	}
	obj.Insert(tkArgs, ast.NewTerm(ast.NewArray(args...)))
	return obj
}

// traceeType names an argument's type the way Tracee's event JSON does,
// as closely as a typed-by-value event allows.
func traceeType(v any) *ast.Term {
	switch v.(type) {
	case int64, int:
		return tkTypeLong
	case uint64:
		return tkTypeULong
	case string:
		return tkTypeString
	case bool:
		return tkTypeBool
	case float64:
		return tkTypeFloat
	case []any, []string:
		return tkTypeSlice
	case map[string]any, event.Args:
		return tkTypeMap
	case nil:
		return tkTypeNull
	}
	return tkEmptyStrTerm
}
