package forward

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/forward/queue"
)

// inboxSize is how many findings an output buffers in memory, at most, before
// its when_full policy applies to Send. It is never more than the queue
// bound.
const inboxSize = 4096

// outputEnv is what every output shares.
type outputEnv struct {
	log      *slog.Logger
	m        *metrics
	now      func() time.Time
	stdout   io.Writer
	version  string
	queueDir string
}

// output is one configured sink with its inbox and workers. A local output
// has a writer; a network output has a queue and a sender.
type output struct {
	cfg    *OutputConfig
	env    *outputEnv
	log    *slog.Logger
	filter filter
	in     chan *event.Finding

	local *localWriter // stdout and file outputs
	q     *queue.Queue // network outputs
	snd   sender
	dead  *deadLetter
	batch int

	ctx       context.Context // cancelled on hard stop
	cancel    context.CancelFunc
	persisted chan struct{} // inbox drained (into the queue or the writer)
	draining  chan struct{} // no more appends: deliver what is queued and stop
	delivered chan struct{} // delivery goroutine ended

	lastDropLog atomic.Int64
}

func newOutput(cfg *OutputConfig, env *outputEnv) (*output, error) {
	o := &output{
		cfg: cfg, env: env, filter: newFilter(cfg),
		log:       env.log.With("output", cfg.Name, "type", cfg.Type),
		in:        make(chan *event.Finding, min(inboxSize, max(cfg.Queue.MaxFindings, 1))),
		persisted: make(chan struct{}),
		draining:  make(chan struct{}),
		delivered: make(chan struct{}),
	}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	if !cfg.isNetwork() {
		lw, err := newLocalWriter(cfg, env)
		if err != nil {
			return nil, err
		}
		o.local = lw
		close(o.delivered)
		return o, nil
	}
	snd, batch, err := newSender(cfg, env, o.log)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(env.queueDir, cfg.Name)
	q, err := queue.Open(base+".queue", &queue.Options{
		MaxRecords: cfg.Queue.MaxFindings,
		DropOldest: cfg.Queue.WhenFull == PolicyDropOldest,
	})
	if err != nil {
		snd.close()
		return nil, err
	}
	if n := q.Len(); n > 0 {
		o.log.Info("resuming delivery of queued findings", "queued", n)
	}
	o.q, o.snd, o.batch = q, snd, batch
	o.dead = &deadLetter{path: base + ".dead.jsonl", now: env.now}
	env.m.depth.WithLabelValues(cfg.Name).Set(float64(q.Len()))
	return o, nil
}

func (o *output) start() {
	if o.local != nil {
		go o.writeLocal()
		return
	}
	go o.persist()
	go o.deliver()
}

// offer queues f in the inbox, applying the when_full policy.
func (o *output) offer(f *event.Finding) {
	select {
	case o.in <- f:
		return
	default:
	}
	if o.cfg.Queue.WhenFull == PolicyDropOldest {
		for {
			select {
			case o.in <- f:
				return
			default:
			}
			select {
			case <-o.in:
				o.drop("queue_full", 1)
			default:
			}
		}
	}
	t := time.NewTimer(o.cfg.Queue.BlockTimeout)
	defer t.Stop()
	select {
	case o.in <- f:
	case <-t.C:
		o.drop("block_timeout", 1)
	}
}

// drop counts discarded findings and logs at most every 10 seconds.
func (o *output) drop(reason string, n int) {
	if n <= 0 {
		return
	}
	o.env.m.dropped.WithLabelValues(o.cfg.Name, reason).Add(float64(n))
	now := o.env.now().UnixNano()
	last := o.lastDropLog.Load()
	if now-last > int64(10*time.Second) && o.lastDropLog.CompareAndSwap(last, now) {
		o.log.Warn("dropping findings", "reason", reason, "count", n,
			"see", "splicewatch_forward_dropped_total")
	}
}

// drain reads what is waiting in the inbox after first, up to max in all.
func (o *output) drain(first *event.Finding, max int) []*event.Finding {
	batch := []*event.Finding{first}
	for len(batch) < max {
		select {
		case f, ok := <-o.in:
			if !ok {
				return batch
			}
			batch = append(batch, f)
		default:
			return batch
		}
	}
	return batch
}

// persist moves findings from the inbox to the durable queue, one
// transaction (and fsync) per batch.
func (o *output) persist() {
	defer close(o.persisted)
	for f := range o.in {
		batch := o.drain(f, 1024)
		data := make([][]byte, 0, len(batch))
		for _, f := range batch {
			b, err := encodeRecord(f)
			if err != nil {
				o.log.Error("cannot encode finding", "error", err)
				o.drop("error", 1)
				continue
			}
			data = append(data, b)
		}
		o.appendAll(data)
	}
}

func (o *output) appendAll(data [][]byte) {
	for len(data) > 0 {
		n, dropped, err := o.q.Append(data, o.env.now())
		o.drop("queue_full", dropped)
		if err != nil {
			o.log.Error("cannot queue findings", "error", err)
			o.drop("error", len(data))
			return
		}
		o.env.m.depth.WithLabelValues(o.cfg.Name).Set(float64(o.q.Len()))
		data = data[n:]
		if len(data) == 0 {
			return
		}
		// Full under "block": wait for delivery to make room.
		select {
		case <-o.q.Freed():
		case <-o.ctx.Done():
			o.drop("closed", len(data))
			return
		}
	}
}

// shutdown flushes within ctx, then stops the workers and closes the queue.
func (o *output) shutdown(ctx context.Context) error {
	select {
	case <-o.persisted:
	case <-ctx.Done():
		o.cancel()
		<-o.persisted
	}
	close(o.draining)
	select {
	case <-o.delivered:
	case <-ctx.Done():
		o.cancel()
		<-o.delivered
	}
	o.cancel()
	if o.local != nil {
		return o.local.close()
	}
	left := o.q.Len()
	if left > 0 {
		o.log.Info("flush time is over; findings stay queued for the next start", "queued", left)
	}
	err := o.snd.close()
	if qerr := o.q.Close(); qerr != nil && err == nil {
		err = qerr
	}
	if err != nil {
		return fmt.Errorf("close output %q: %w", o.cfg.Name, err)
	}
	return nil
}

// abort releases resources of an output that never started.
func (o *output) abort() {
	o.cancel()
	if o.local != nil {
		o.local.close()
		return
	}
	o.snd.close()
	o.q.Close()
}
