package engine

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// Detector evaluates events and reports findings through emit.
type Detector interface {
	// Name identifies the detector in logs and metrics.
	Name() string
	// Events lists the event names the detector selects.
	Events() []string
	// Rules lists the metadata of the rules the detector holds.
	Rules() []event.Rule
	// Evaluate inspects ev and calls emit for each finding. ev and emit
	// are valid only until Evaluate returns; a detector that keeps ev
	// longer keeps ev.Clone(), and one that emits later implements
	// Flusher, which gives it an emit of its own.
	Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) error
}

// sigDetector adapts an sdk.Signature to Detector.
type sigDetector struct {
	sig  sdk.Signature
	meta event.Rule

	// emitter is the emit adapter of one OnEvent at a time, reused so
	// that a call costs no allocation; a concurrent call makes its own.
	emitter     sigEmitter
	emitterBusy atomic.Bool
}

// sigEmitter turns a signature's finding data into a finding on ev.
type sigEmitter struct {
	meta *event.Rule
	ev   *event.Event
	emit func(*event.Finding)
	fn   func(map[string]any) // em.call, made once
}

func (em *sigEmitter) call(data map[string]any) {
	if em.ev == nil {
		return // called after OnEvent returned, against the sdk contract
	}
	em.emit(event.NewFinding(*em.meta, em.ev, data))
}

// FromSignature wraps a Go signature as a Detector.
func FromSignature(sig sdk.Signature) Detector {
	d := &sigDetector{sig: sig, meta: sig.Metadata()}
	d.emitter = sigEmitter{meta: &d.meta}
	d.emitter.fn = d.emitter.call
	return d
}

func (d *sigDetector) Name() string        { return d.meta.ID }
func (d *sigDetector) Events() []string    { return d.sig.Events() }
func (d *sigDetector) Rules() []event.Rule { return []event.Rule{d.meta} }

func (d *sigDetector) Evaluate(_ context.Context, ev *event.Event, emit func(*event.Finding)) (err error) {
	em := &d.emitter
	if !d.emitterBusy.CompareAndSwap(false, true) {
		em = &sigEmitter{meta: &d.meta}
		em.fn = em.call
	}
	em.ev, em.emit = ev, emit
	defer func() {
		if em == &d.emitter {
			em.ev, em.emit = nil, nil
			d.emitterBusy.Store(false)
		}
		if r := recover(); r != nil {
			err = fmt.Errorf("signature %s panicked: %v", d.meta.ID, r)
		}
	}()
	return d.sig.OnEvent(ev, em.fn)
}

// Close releases the signature's resources, if it holds any.
func (d *sigDetector) Close() error {
	if c, ok := d.sig.(sdk.Closer); ok {
		return c.Close()
	}
	return nil
}
