package plugin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

// batch is a group of events sent in one message.
type batch struct {
	seq   uint64
	items []item
	sent  time.Time
}

// inflight is the ordered queue of batches sent and not yet answered, at
// most window of them.
type inflight struct {
	slots chan struct{}
	mu    sync.Mutex
	q     []*batch
}

func newInflight(window int) *inflight {
	return &inflight{slots: make(chan struct{}, window)}
}

// push waits for a free slot and appends b. It reports false if ctx ended
// first.
func (f *inflight) push(ctx context.Context, b *batch) bool {
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	b.sent = time.Now()
	f.mu.Lock()
	f.q = append(f.q, b)
	f.mu.Unlock()
	return true
}

func (f *inflight) head() *batch {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.q) == 0 {
		return nil
	}
	return f.q[0]
}

func (f *inflight) pop() {
	f.mu.Lock()
	f.q[0] = nil
	f.q = f.q[1:]
	f.mu.Unlock()
	<-f.slots
}

// drain forgets every batch in flight and returns how many events they held.
func (f *inflight) drain() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, b := range f.q {
		n += len(b.items)
	}
	f.q = nil
	return n
}

// watch reports a hang when the oldest batch waits longer than the timeout.
func (s *session) watch(ctx context.Context, fl *inflight, fails chan<- *failure) {
	timeout := s.d.cfg.Timeout
	t := time.NewTicker(max(timeout/10, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			fl.mu.Lock()
			var waited time.Duration
			if len(fl.q) > 0 {
				waited = now.Sub(fl.q[0].sent)
			}
			fl.mu.Unlock()
			if waited > timeout {
				fails <- &failure{faultHang, fmt.Errorf("no answer within %s", timeout)}
				return
			}
		}
	}
}

// deliver validates a batch's answer and emits its findings. The cheap
// checks come before the rate limit, decoding the data after it.
func (d *Detector) deliver(b *batch, fb *protocol.FindingBatch) {
	for _, pf := range fb.GetFindings() {
		it, si, err := d.check(b, pf)
		if err != nil {
			d.fault(faultMalformed, err)
			continue
		}
		rule := d.rules[si]
		if !d.findings.Allow() {
			d.fault(faultFlood, fmt.Errorf("finding %s dropped: more than %g findings/s", rule.ID, d.cfg.FindingsPerSecond))
			continue
		}
		data, err := protocol.ToData(pf.GetData())
		if err != nil {
			d.fault(faultMalformed, fmt.Errorf("signature %s finding data: %w", rule.ID, err))
			continue
		}
		it.emit(event.NewFinding(rule, it.ev, data))
	}
	for _, e := range fb.GetErrors() {
		id := "?"
		if i := int(e.GetSignature()); i < len(d.rules) {
			id = d.rules[i].ID
		}
		msg := e.GetMessage()
		if len(msg) > maxMessage {
			msg = msg[:maxMessage] + "..."
		}
		d.fault(faultError, fmt.Errorf("signature %s: %s", id, msg))
	}
	d.m.events.WithLabelValues(d.name).Add(float64(len(b.items)))
	d.answered.Add(uint64(len(b.items)))
}

// maxMessage bounds a plugin's error message in the log.
const maxMessage = 512

// check validates the indices of a finding from the plugin: the finding is
// built with the plugin's own metadata and the host's copy of the event.
func (d *Detector) check(b *batch, pf *protocol.Finding) (item, int, error) {
	si, ei := int(pf.GetSignature()), int(pf.GetEvent())
	if si >= len(d.rules) {
		return item{}, 0, fmt.Errorf("finding names signature %d, plugin has %d: %w", si, len(d.rules), protocol.ErrMalformed)
	}
	if ei >= len(b.items) {
		return item{}, 0, fmt.Errorf("finding names event %d, batch has %d: %w", ei, len(b.items), protocol.ErrMalformed)
	}
	it := b.items[ei]
	if !d.selects[si][it.ev.Name] {
		return item{}, 0, fmt.Errorf("signature %s reported on %s, which it does not select: %w", d.rules[si].ID, it.ev.Name, protocol.ErrMalformed)
	}
	return it, si, nil
}
