package forward

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/forward/format"
)

// item is one queued finding on its way to a receiver.
type item struct {
	key      uint64
	enqueued time.Time
	// raw is the finding's splicewatch JSON, as stored in the queue.
	raw []byte
	f   *event.Finding
}

// finding decodes the stored JSON once.
func (it *item) finding() (*event.Finding, error) {
	if it.f == nil {
		f, err := event.DecodeFinding(it.raw)
		if err != nil {
			return nil, permanent("corrupt queued finding: %s", err.Error())
		}
		it.f = f
	}
	return it.f, nil
}

// sender delivers batches to one receiver. send returns nil when the
// receiver acknowledged every item, an itemErrors with one outcome per item,
// a permanent error, or any other error for a transient failure.
type sender interface {
	send(ctx context.Context, batch []*item) error
	close() error
}

// encoder renders an item in an output's payload format.
type encoder func(it *item) ([]byte, error)

// newEncoder returns the encoder for a JSON payload format.
func newEncoder(name, version string) (encoder, error) {
	decoded := func(fn func(*event.Finding) ([]byte, error)) encoder {
		return func(it *item) ([]byte, error) {
			f, err := it.finding()
			if err != nil {
				return nil, err
			}
			b, err := fn(f)
			if err != nil {
				return nil, permanent("encode finding: %s", err.Error())
			}
			return b, nil
		}
	}
	switch name {
	case "", "splicewatch":
		return func(it *item) ([]byte, error) { return it.raw, nil }, nil
	case "falcosidekick":
		return decoded(format.Falcosidekick), nil
	case "ecs":
		return decoded(format.ECS), nil
	case "ocsf":
		return decoded(func(f *event.Finding) ([]byte, error) { return format.OCSF(f, version) }), nil
	}
	return nil, fmt.Errorf("unknown format %q", name)
}

// marshalFinding is the queue's record encoding.
func marshalFinding(f *event.Finding) ([]byte, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode finding %s: %w", f.ID, err)
	}
	return b, nil
}
