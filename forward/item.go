package forward

import (
	"context"
	"encoding/binary"
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
	meta     meta
	// raw is the finding's splicewatch JSON.
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

// meta is what envelopes and keys need from a finding.
type meta struct {
	ID   string
	Time time.Time
	Host string
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

// marshalFinding encodes f as splicewatch JSON.
func marshalFinding(f *event.Finding) ([]byte, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode finding %s: %w", f.ID, err)
	}
	return b, nil
}

// recordVersion tags the queue record layout:
//
//	version byte | uvarint len | id | int64 time (ns, big endian) |
//	uvarint len | host | finding JSON
//
// The header repeats what envelopes and keys need, so that senders need
// not decode the JSON.
const recordVersion = 1

// encodeRecord builds the queue record of f.
func encodeRecord(f *event.Finding) ([]byte, error) {
	js, err := marshalFinding(f)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+8+len(f.ID)+len(f.Host)+len(js))
	b = append(b, recordVersion)
	b = binary.AppendUvarint(b, uint64(len(f.ID)))
	b = append(b, f.ID...)
	b = binary.BigEndian.AppendUint64(b, uint64(f.Time.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(f.Host)))
	b = append(b, f.Host...)
	return append(b, js...), nil
}

// decodeRecord reads a queue record back into an item.
func decodeRecord(key uint64, enqueued time.Time, rec []byte) (*item, error) {
	it := &item{key: key, enqueued: enqueued, raw: rec}
	str := func() (string, bool) {
		n, k := binary.Uvarint(rec)
		if k <= 0 || uint64(len(rec)-k) < n {
			return "", false
		}
		s := string(rec[k : k+int(n)])
		rec = rec[k+int(n):]
		return s, true
	}
	if len(rec) == 0 || rec[0] != recordVersion {
		return it, permanent("queued record of unknown version")
	}
	rec = rec[1:]
	id, ok := str()
	if !ok || len(rec) < 8 {
		return it, permanent("truncated queued record")
	}
	it.meta.ID = id
	it.meta.Time = time.Unix(0, int64(binary.BigEndian.Uint64(rec)))
	rec = rec[8:]
	if it.meta.Host, ok = str(); !ok {
		return it, permanent("truncated queued record")
	}
	it.raw = rec
	return it, nil
}
