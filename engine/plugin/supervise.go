package plugin

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// supervise keeps the plugin running: it restarts it after every failure,
// waiting longer after each consecutive one, and drops (and counts) the
// events queued while it is down. It returns when ctx is done.
func (d *Detector) supervise(ctx context.Context, s *session) {
	defer close(d.done)
	defer d.dropQueued()
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = d.opts.MinBackoff
	bo.MaxInterval = d.opts.MaxBackoff
	for {
		if s != nil {
			started := time.Now()
			f := s.run(ctx)
			if f == nil || ctx.Err() != nil {
				return
			}
			d.fault(f.kind, f.err)
			if time.Since(started) > d.opts.MaxBackoff {
				bo.Reset()
			}
		}
		if !d.waitDown(ctx, bo.NextBackOff()) {
			return
		}
		d.m.restarts.WithLabelValues(d.name).Inc()
		var err error
		if s, err = d.start(ctx); err != nil {
			d.fault(faultStart, err)
			s = nil
		}
	}
}

// waitDown waits for wait while dropping queued events. It reports false if
// ctx ended first.
func (d *Detector) waitDown(ctx context.Context, wait time.Duration) bool {
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-d.in:
			d.m.dropped.WithLabelValues(d.name, "down").Inc()
			d.answered.Add(1)
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
}

// dropQueued counts the events still queued when the plugin stops.
func (d *Detector) dropQueued() {
	for {
		select {
		case <-d.in:
			d.m.dropped.WithLabelValues(d.name, "down").Inc()
			d.answered.Add(1)
		default:
			return
		}
	}
}
