package forward

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// deadLetter appends permanently rejected findings, with the reason, to a
// JSON-lines file next to the output's queue.
type deadLetter struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
}

type deadRecord struct {
	Time    time.Time       `json:"time"`
	Output  string          `json:"output"`
	Reason  string          `json:"reason"`
	Finding json.RawMessage `json:"finding"`
}

// write appends and fsyncs the records, so they are safe before the
// findings leave the queue.
func (d *deadLetter) write(output string, items []*item, reasons []string) error {
	if len(items) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var buf []byte
	for i, it := range items {
		rec := deadRecord{Time: d.now().UTC(), Output: output, Reason: reasons[i], Finding: it.raw}
		if !json.Valid(it.raw) {
			rec.Finding, _ = json.Marshal(string(it.raw))
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("encode dead letter: %w", err)
		}
		buf = append(append(buf, b...), '\n')
	}
	f, err := os.OpenFile(d.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open dead-letter file: %w", err)
	}
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return fmt.Errorf("write dead-letter file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync dead-letter file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close dead-letter file: %w", err)
	}
	return nil
}
