package sdk

import (
	"context"
	"errors"
	"fmt"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

// Serve runs sigs as a splicewatch plugin. A plugin's main calls it and
// nothing else; it returns when the host stops the plugin:
//
//	func main() { sdk.Serve(&MySignature{}) }
//
// Started by hand, the binary prints a short notice and exits: only
// splicewatch can start it.
func Serve(sigs ...Signature) {
	protocol.Serve(newDispatcher(sigs))
}

// dispatcher implements protocol.Evaluator on top of signatures, calling each
// one only for the events it selects, one event at a time.
type dispatcher struct {
	sigs    []Signature
	infos   []*protocol.SignatureInfo
	byEvent map[string][]uint32
}

func newDispatcher(sigs []Signature) *dispatcher {
	d := &dispatcher{sigs: sigs, byEvent: map[string][]uint32{}}
	for i, s := range sigs {
		evs := s.Events()
		d.infos = append(d.infos, &protocol.SignatureInfo{Rule: protocol.FromRule(s.Metadata()), Events: evs})
		for _, name := range evs {
			d.byEvent[name] = append(d.byEvent[name], uint32(i))
		}
	}
	return d
}

func (d *dispatcher) Describe(context.Context) ([]*protocol.SignatureInfo, error) {
	return d.infos, nil
}

func (d *dispatcher) Evaluate(_ context.Context, b *protocol.EventBatch) (*protocol.FindingBatch, error) {
	out := &protocol.FindingBatch{}
	for i, m := range b.GetEvents() {
		idx := d.byEvent[m.GetName()]
		if len(idx) == 0 {
			continue
		}
		ev, err := protocol.ToEvent(m)
		if err != nil {
			out.Errors = append(out.Errors, &protocol.Error{Signature: idx[0], Event: uint32(i), Message: err.Error()})
			continue
		}
		for _, s := range idx {
			if err := d.call(s, uint32(i), ev, out); err != nil {
				out.Errors = append(out.Errors, &protocol.Error{Signature: s, Event: uint32(i), Message: err.Error()})
			}
		}
	}
	return out, nil
}

// call runs one signature on one event, turning a panic into an error so a
// faulty signature cannot take down the others in the same plugin.
func (d *dispatcher) call(s, i uint32, ev *event.Event, out *protocol.FindingBatch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("signature panicked: %v", r)
		}
	}()
	var emitErr error
	err = d.sigs[s].OnEvent(ev, func(data map[string]any) {
		m, err := protocol.FromData(data)
		if err != nil {
			emitErr = errors.Join(emitErr, fmt.Errorf("finding data: %w", err))
			return
		}
		out.Findings = append(out.Findings, &protocol.Finding{Signature: s, Event: i, Data: m})
	})
	return errors.Join(err, emitErr)
}

func (d *dispatcher) Close(context.Context) error {
	var errs []error
	for _, s := range d.sigs {
		if c, ok := s.(Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", s.Metadata().ID, err))
			}
		}
	}
	return errors.Join(errs...)
}
