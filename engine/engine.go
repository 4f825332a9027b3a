package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/event"
)

// Options configure an Engine. A nil *Options gives the defaults.
type Options struct {
	// Logger receives evaluation errors, rate-limited. Default: slog.Default().
	Logger *slog.Logger
	// Registerer receives the engine's metrics. Default: none.
	Registerer prometheus.Registerer
	// Workers is the number of evaluation goroutines in Run. Events of one
	// process always go to the same worker, so their order is kept.
	// Default: 1.
	Workers int
	// Clock returns the current time; tests inject a fixed clock.
	Clock func() time.Time
}

// Engine routes events to detectors.
type Engine struct {
	log     *slog.Logger
	workers int
	clock   func() time.Time
	m       *metrics

	mu    sync.Mutex // serialises changes to dets and index
	dets  []Detector
	index atomic.Pointer[map[string][]route] // read without locking, replaced whole

	// emitter is the emit wrapper of one Evaluate at a time, reused so
	// that evaluating costs no allocation; a concurrent Evaluate makes
	// its own.
	emitter     emitter
	emitterBusy atomic.Bool

	errLog *rateLimiter
}

// route is a detector as the index holds it.
type route struct {
	d Detector
	// async: the detector may emit after Evaluate returned (a Flusher),
	// so it gets an emit wrapper of its own.
	async bool
}

// emitter counts a finding and gives it, owning its memory, to emit.
type emitter struct {
	e    *Engine
	emit func(*event.Finding)
	fn   func(*event.Finding) // em.call, made once
}

func (em *emitter) call(f *event.Finding) {
	if em.emit == nil {
		return // after Evaluate returned, from a detector that is no Flusher
	}
	em.e.found(f, em.emit)
}

// found counts f and passes a copy to emit: the event f was found on, and
// any value of it in f's data, may be memory the caller of Evaluate reuses.
func (e *Engine) found(f *event.Finding, emit func(*event.Finding)) {
	e.m.findings.WithLabelValues(f.Rule.ID, f.Rule.Severity.String()).Inc()
	emit(f.Clone())
}

// New returns an engine with no detectors.
func New(opts *Options) *Engine {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Workers < 1 {
		o.Workers = 1
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	e := &Engine{
		log:     o.Logger,
		workers: o.Workers,
		clock:   o.Clock,
		m:       newMetrics(o.Registerer),
		errLog:  newRateLimiter(o.Clock, 10*time.Second),
	}
	e.emitter = emitter{e: e}
	e.emitter.fn = e.emitter.call
	e.index.Store(&map[string][]route{})
	return e
}

// Add registers detectors. Adding after Run has started is safe.
func (e *Engine) Add(dets ...Detector) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dets = append(e.dets, dets...)
	e.reindexLocked()
}

// reindexLocked publishes a new index of e.dets.
func (e *Engine) reindexLocked() {
	index := map[string][]route{}
	for _, d := range e.dets {
		_, async := d.(Flusher)
		for _, name := range d.Events() {
			index[name] = append(index[name], route{d: d, async: async})
		}
	}
	e.index.Store(&index)
}

// Replace swaps every detector named like one in dets for the new one,
// adding those that are new. It is used to reload rules.
func (e *Engine) Replace(dets ...Detector) {
	e.mu.Lock()
	defer e.mu.Unlock()
	byName := map[string]Detector{}
	for _, d := range dets {
		byName[d.Name()] = d
	}
	var kept []Detector
	for _, d := range e.dets {
		if _, ok := byName[d.Name()]; !ok {
			kept = append(kept, d)
		}
	}
	e.dets = append(kept, dets...)
	e.reindexLocked()
}

// Detectors returns the registered detectors.
func (e *Engine) Detectors() []Detector {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Detector(nil), e.dets...)
}

// Rules returns the metadata of every loaded rule.
func (e *Engine) Rules() []event.Rule {
	var rules []event.Rule
	for _, d := range e.Detectors() {
		rules = append(rules, d.Rules()...)
	}
	return rules
}

// Selected reports whether any detector selects events named name.
func (e *Engine) Selected(name string) bool {
	return len((*e.index.Load())[name]) > 0
}

// Evaluate runs ev through every detector that selects it and calls emit for
// each finding. Detector errors are counted and logged; they never stop the
// remaining detectors.
//
// ev is only lent to Evaluate: the caller may reuse its memory once
// Evaluate returns (the sensor does). Every finding given to emit owns a
// copy of the event and of its data; a detector that keeps ev past the
// call, such as an asynchronous one, keeps a copy (event.Event.Clone).
func (e *Engine) Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) {
	dets := (*e.index.Load())[ev.Name]
	if len(dets) == 0 {
		return
	}
	var fn func(*event.Finding)
	if e.emitterBusy.CompareAndSwap(false, true) {
		e.emitter.emit = emit
		fn = e.emitter.fn
		defer func() {
			e.emitter.emit = nil
			e.emitterBusy.Store(false)
		}()
	} else {
		fn = func(f *event.Finding) { e.found(f, emit) }
	}
	for _, r := range dets {
		d, fn := r.d, fn
		if r.async {
			fn = func(f *event.Finding) { e.found(f, emit) }
		}
		err := d.Evaluate(ctx, ev, fn)
		if err != nil {
			e.m.errors.WithLabelValues(d.Name()).Inc()
			if e.errLog.allow(d.Name()) {
				e.log.Error("detector failed", "detector", d.Name(), "event", ev.Name, "error", err)
			}
		}
	}
}

// Run evaluates events from in until it is closed or ctx is done, sending
// findings to out. Events are spread over the configured workers by process
// id, so each process's events are evaluated in order. Run closes nothing;
// it returns when every worker has finished.
func (e *Engine) Run(ctx context.Context, in <-chan *event.Event, out chan<- *event.Finding) error {
	emit := func(f *event.Finding) {
		select {
		case out <- f:
		case <-ctx.Done():
		}
	}
	if e.workers == 1 {
		return e.loop(ctx, in, emit)
	}
	lanes := make([]chan *event.Event, e.workers)
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan *event.Event, 256)
		wg.Add(1)
		go func(c chan *event.Event) {
			defer wg.Done()
			_ = e.loop(ctx, c, emit)
		}(lanes[i])
	}
	seed := maphash.MakeSeed()
	defer func() {
		for _, c := range lanes {
			close(c)
		}
		wg.Wait()
	}()
	for {
		select {
		case ev, ok := <-in:
			if !ok {
				return nil
			}
			lane := lanes[maphash.Comparable(seed, ev.Process.PID)%uint64(len(lanes))]
			select {
			case lane <- ev:
			case <-ctx.Done():
				return ctx.Err()
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (e *Engine) loop(ctx context.Context, in <-chan *event.Event, emit func(*event.Finding)) error {
	for {
		select {
		case ev, ok := <-in:
			if !ok {
				return nil
			}
			e.Evaluate(ctx, ev, emit)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close closes every detector that holds resources.
func (e *Engine) Close() error {
	var errs []error
	for _, d := range e.Detectors() {
		if c, ok := d.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close detector %s: %w", d.Name(), err))
			}
		}
	}
	return errors.Join(errs...)
}
