// Command faulty is a test plugin that misbehaves on request. It speaks the
// protocol directly, without sdk, so that it can send what the SDK never
// would. The "action" argument of a "test" event selects the behaviour:
//
//	ok         one finding {"ok": true}
//	whoami     one finding with the process's uid, gid and effective capabilities
//	crash      exit at once
//	hang       never answer
//	malformed  findings naming an unknown signature, an unknown event and a
//	           value without a kind, then one good finding
//	flood      1000 findings
//	marker     remember the "path" argument; Close writes "closed" there
package main

import (
	"context"
	"os"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

type faulty struct {
	marker *string
}

func (faulty) Describe(context.Context) ([]*protocol.SignatureInfo, error) {
	return []*protocol.SignatureInfo{{
		Rule:   &protocol.Rule{Id: "TEST-FAULTY", Name: "faulty test plugin", Severity: 1, Version: "1"},
		Events: []string{"test"},
	}}, nil
}

// noKind is finding data holding a value without a kind, encoded by the
// generated code to show the wire format is plain protobuf.
var noKind, _ = proto.Marshal(&protocol.Args{Values: []*protocol.Value{{Name: "x"}}})

func (f faulty) Evaluate(_ context.Context, b *protocol.EventBatch) (*protocol.FindingBatch, error) {
	out := &protocol.FindingBatch{}
	for i, ev := range b.GetEvents() {
		add := func(data map[string]any) {
			m, err := protocol.FromData(data)
			if err != nil {
				panic(err)
			}
			out.Findings = append(out.Findings, &protocol.Finding{Event: uint32(i), Data: m})
		}
		args := decode(ev)
		action, _ := args.String("action")
		switch action {
		case "ok":
			add(map[string]any{"ok": true})
		case "whoami":
			add(map[string]any{"uid": os.Getuid(), "gid": os.Getgid(), "cap_eff": capEff()})
		case "crash":
			os.Exit(3)
		case "hang":
			select {}
		case "malformed":
			out.Findings = append(out.Findings,
				&protocol.Finding{Signature: 7, Event: uint32(i)},
				&protocol.Finding{Event: 9999},
				&protocol.Finding{Event: uint32(i), Data: noKind},
			)
			add(map[string]any{"ok": true})
		case "marker":
			*f.marker, _ = args.String("path")
		case "flood":
			for range 1000 {
				add(map[string]any{"flood": true})
			}
		}
	}
	return out, nil
}

func (f faulty) Close(context.Context) error {
	if *f.marker == "" {
		return nil
	}
	return os.WriteFile(*f.marker, []byte("closed"), 0o644)
}

func decode(ev *protocol.Event) event.Args {
	args, err := protocol.DecodeArgs(ev.GetArgs())
	if err != nil {
		panic(err)
	}
	return args
}

// capEff returns the CapEff line of /proc/self/status, or "unknown".
func capEff() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown: " + strconv.Quote(err.Error())
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func main() {
	protocol.Serve(faulty{marker: new(string)})
}
