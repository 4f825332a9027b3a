package rego

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/splicewatch/splicewatch/event"
)

// Object keys of the event JSON encoding, built once.
var (
	keyName        = ast.StringTerm("name")
	keyTime        = ast.StringTerm("time")
	keyHost        = ast.StringTerm("host")
	keyProcess     = ast.StringTerm("process")
	keyArgs        = ast.StringTerm("args")
	keyRet         = ast.StringTerm("ret")
	keyDurationNS  = ast.StringTerm("duration_ns")
	keyPID         = ast.StringTerm("pid")
	keyTID         = ast.StringTerm("tid")
	keyPPID        = ast.StringTerm("ppid")
	keyUID         = ast.StringTerm("uid")
	keyGID         = ast.StringTerm("gid")
	keyComm        = ast.StringTerm("comm")
	keyExe         = ast.StringTerm("exe")
	keyCgroupID    = ast.StringTerm("cgroup_id")
	keyMntNS       = ast.StringTerm("mnt_ns")
	keyPidNS       = ast.StringTerm("pid_ns")
	keyContainerID = ast.StringTerm("container_id")
)

// EventValue returns ev in OPA's value form, equal to what OPA would build
// from ev's JSON encoding (the input a rule sees under `opa eval`), without
// going through JSON or reflection.
func EventValue(ev *event.Event) ast.Value {
	obj := ast.NewObjectWithCapacity(8)
	obj.Insert(keyName, ast.StringTerm(ev.Name))
	obj.Insert(keyTime, ast.StringTerm(ev.Time.Format(time.RFC3339Nano)))
	if ev.Host != "" {
		obj.Insert(keyHost, ast.StringTerm(ev.Host))
	}
	obj.Insert(keyProcess, ast.NewTerm(processValue(&ev.Process)))
	obj.Insert(keyArgs, ast.NewTerm(argsValue(ev.Args)))
	obj.Insert(keyRet, intTerm(ev.Ret))
	if ev.DurationNS != 0 {
		obj.Insert(keyDurationNS, uintTerm(ev.DurationNS))
	}
	return obj
}

func processValue(p *event.Process) ast.Object {
	obj := ast.NewObjectWithCapacity(11)
	obj.Insert(keyPID, uintTerm(uint64(p.PID)))
	obj.Insert(keyTID, uintTerm(uint64(p.TID)))
	obj.Insert(keyPPID, uintTerm(uint64(p.PPID)))
	obj.Insert(keyUID, uintTerm(uint64(p.UID)))
	obj.Insert(keyGID, uintTerm(uint64(p.GID)))
	obj.Insert(keyComm, ast.StringTerm(p.Comm))
	if p.Exe != "" {
		obj.Insert(keyExe, ast.StringTerm(p.Exe))
	}
	if p.CgroupID != 0 {
		obj.Insert(keyCgroupID, uintTerm(p.CgroupID))
	}
	if p.MntNS != 0 {
		obj.Insert(keyMntNS, uintTerm(uint64(p.MntNS)))
	}
	if p.PidNS != 0 {
		obj.Insert(keyPidNS, uintTerm(uint64(p.PidNS)))
	}
	if p.ContainerID != "" {
		obj.Insert(keyContainerID, ast.StringTerm(p.ContainerID))
	}
	return obj
}

func mapValue(m map[string]any) ast.Object {
	obj := ast.NewObjectWithCapacity(len(m))
	for k, v := range m {
		obj.Insert(ast.StringTerm(k), valueTerm(v))
	}
	return obj
}

func argsValue(a event.Args) ast.Object {
	obj := ast.NewObjectWithCapacity(len(a))
	for _, arg := range a {
		obj.Insert(ast.StringTerm(arg.Name), valueTerm(arg.Value))
	}
	return obj
}

// valueTerm converts one argument value. Values outside the Args contract
// (which a hand-built event might still carry) go through OPA's generic
// converter, and null if even that fails, so hostile input never panics.
func valueTerm(v any) *ast.Term {
	switch x := v.(type) {
	case nil:
		return ast.NullTerm()
	case string:
		return ast.StringTerm(x)
	case bool:
		return ast.InternedTerm(x)
	case int64:
		return intTerm(x)
	case uint64:
		return uintTerm(x)
	case int:
		return intTerm(int64(x))
	case float64:
		return floatTerm(x)
	case json.Number:
		return ast.NumberTerm(x)
	case []any:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = valueTerm(e)
		}
		return ast.NewTerm(ast.NewArray(terms...))
	case map[string]any:
		return ast.NewTerm(mapValue(x))
	case event.Args:
		return ast.NewTerm(argsValue(x))
	case []string:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = ast.StringTerm(e)
		}
		return ast.NewTerm(ast.NewArray(terms...))
	}
	val, err := ast.InterfaceToValue(event.Normalize(v))
	if err != nil {
		return ast.NullTerm()
	}
	return ast.NewTerm(val)
}

func intTerm(i int64) *ast.Term {
	if ast.HasInternedIntNumberTerm(int(i)) {
		return ast.InternedTerm(i)
	}
	return ast.NumberTerm(json.Number(strconv.FormatInt(i, 10)))
}

func uintTerm(u uint64) *ast.Term {
	if u <= math.MaxInt64 {
		return intTerm(int64(u))
	}
	return ast.NumberTerm(json.Number(strconv.FormatUint(u, 10)))
}

func floatTerm(f float64) *ast.Term {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ast.NullTerm()
	}
	return ast.NumberTerm(json.Number(strconv.FormatFloat(f, 'g', -1, 64)))
}

// sortedArgNames returns the argument names in order, for outputs that
// must be stable.
func sortedArgNames(a event.Args) []string {
	names := make([]string, len(a))
	for i, arg := range a {
		names[i] = arg.Name
	}
	sort.Strings(names)
	return names
}
