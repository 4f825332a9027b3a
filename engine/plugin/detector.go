package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/time/rate"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

// Detector is one plugin binary seen as an engine.Detector. It holds every
// signature the plugin serves.
type Detector struct {
	name, path string
	cfg        *Config
	opts       *Options
	log        *slog.Logger
	plog       hclog.Logger // for go-plugin and the plugin's stderr
	m          *metrics
	attr       *syscall.SysProcAttr
	// checksum is the allowed SHA-256, nil for an unverified plugin.
	checksum []byte

	// Fixed by the first start.
	rules   []event.Rule
	selects []map[string]bool
	events  []string

	findings *rate.Limiter
	logLimit *rate.Limiter
	errDown  error

	in       chan item
	up       atomic.Bool
	queued   atomic.Uint64
	answered atomic.Uint64

	closing   chan struct{}
	closeOnce sync.Once
	stop      context.CancelFunc
	done      chan struct{}
}

// item is one queued event and where its findings go.
type item struct {
	ev   *event.Event
	emit func(*event.Finding)
}

func newDetector(name, path string, cfg *Config, opts *Options, m *metrics, attr *syscall.SysProcAttr, checksum []byte) *Detector {
	d := &Detector{
		name: name, path: path, cfg: cfg, opts: opts, m: m, attr: attr, checksum: checksum,
		log:      opts.Logger.With("plugin", name),
		findings: rate.NewLimiter(rate.Limit(cfg.FindingsPerSecond), cfg.FindingsBurst),
		logLimit: rate.NewLimiter(rate.Every(time.Second), 5),
		errDown:  fmt.Errorf("plugin %s: %w", name, ErrUnavailable),
		in:       make(chan item, 4*cfg.BatchSize),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	d.plog = d.pluginLogger()
	return d
}

// startFirst starts the process, learns its signatures and hands the running
// session to the supervisor.
func (d *Detector) startFirst(ctx context.Context) error {
	s, err := d.start(ctx)
	if err != nil {
		return err
	}
	for _, info := range s.infos {
		d.rules = append(d.rules, protocol.ToRule(info.GetRule()))
		sel := map[string]bool{}
		for _, name := range info.GetEvents() {
			sel[name] = true
		}
		d.selects = append(d.selects, sel)
	}
	seen := map[string]bool{}
	for _, info := range s.infos {
		for _, name := range info.GetEvents() {
			if !seen[name] {
				seen[name] = true
				d.events = append(d.events, name)
			}
		}
	}
	run, stop := context.WithCancel(context.WithoutCancel(ctx))
	d.stop = stop
	go d.supervise(run, s)
	return nil
}

// Name implements engine.Detector: "plugin:" and the binary's file name.
func (d *Detector) Name() string { return "plugin:" + d.name }

// Events implements engine.Detector: every event any of the plugin's
// signatures selects.
func (d *Detector) Events() []string { return d.events }

// Rules implements engine.Detector.
func (d *Detector) Rules() []event.Rule { return d.rules }

// Evaluate implements engine.Detector. It queues a copy of ev for the
// plugin and returns; findings are emitted later from another goroutine. It blocks
// only while the queue is full, for at most the plugin timeout. While the
// plugin is down it drops ev and returns an error wrapping ErrUnavailable.
func (d *Detector) Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) error {
	if !d.up.Load() {
		select {
		case <-d.closing:
			return ErrClosed
		default:
		}
		d.m.dropped.WithLabelValues(d.name, "down").Inc()
		return d.errDown
	}
	d.queued.Add(1)
	select {
	case d.in <- item{ev: ev.Clone(), emit: emit}: // ev is only lent to Evaluate
		return nil
	case <-ctx.Done():
		d.answered.Add(1)
		return ctx.Err()
	case <-d.closing:
		d.answered.Add(1)
		return ErrClosed
	}
}

// Flush waits until every event queued before the call has been answered
// (or dropped, if the plugin failed meanwhile), or ctx is done.
func (d *Detector) Flush(ctx context.Context) error {
	target := d.queued.Load()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for d.answered.Load() < target {
		select {
		case <-ctx.Done():
			return fmt.Errorf("flush plugin %s: %w", d.name, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// Close flushes queued events (for at most the plugin timeout), lets the
// plugin close its signatures and stops the process. It is safe to call
// more than once.
func (d *Detector) Close() error {
	var err error
	d.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Timeout)
		err = d.Flush(ctx)
		cancel()
		close(d.closing)
		d.stop()
		<-d.done
	})
	return err
}

// fault counts a fault and logs it, at most a few lines per second.
func (d *Detector) fault(kind string, err error) {
	d.m.faults.WithLabelValues(d.name, kind).Inc()
	if d.logLimit.Allow() {
		d.log.Error("plugin fault", "fault", kind, "error", err)
	}
}
