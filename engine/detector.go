package engine

import (
	"context"
	"fmt"

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
	// Evaluate inspects ev and calls emit for each finding.
	Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) error
}

// sigDetector adapts an sdk.Signature to Detector.
type sigDetector struct {
	sig  sdk.Signature
	meta event.Rule
}

// FromSignature wraps a Go signature as a Detector.
func FromSignature(sig sdk.Signature) Detector {
	return &sigDetector{sig: sig, meta: sig.Metadata()}
}

func (d *sigDetector) Name() string        { return d.meta.ID }
func (d *sigDetector) Events() []string    { return d.sig.Events() }
func (d *sigDetector) Rules() []event.Rule { return []event.Rule{d.meta} }

func (d *sigDetector) Evaluate(_ context.Context, ev *event.Event, emit func(*event.Finding)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("signature %s panicked: %v", d.meta.ID, r)
		}
	}()
	return d.sig.OnEvent(ev, func(data map[string]any) {
		emit(event.NewFinding(d.meta, ev, data))
	})
}

// Close releases the signature's resources, if it holds any.
func (d *sigDetector) Close() error {
	if c, ok := d.sig.(sdk.Closer); ok {
		return c.Close()
	}
	return nil
}
