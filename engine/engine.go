package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"sync"
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

	mu    sync.RWMutex
	dets  []Detector
	index map[string][]Detector

	errLog *rateLimiter
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
	return &Engine{
		log:     o.Logger,
		workers: o.Workers,
		clock:   o.Clock,
		m:       newMetrics(o.Registerer),
		index:   map[string][]Detector{},
		errLog:  newRateLimiter(o.Clock, 10*time.Second),
	}
}

// Add registers detectors. Adding after Run has started is safe.
func (e *Engine) Add(dets ...Detector) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range dets {
		e.dets = append(e.dets, d)
		for _, name := range d.Events() {
			e.index[name] = append(e.index[name], d)
		}
	}
}

// Replace swaps every detector named like one in dets for the new one,
// adding those that are new. It is used to reload rules.
func (e *Engine) Replace(dets ...Detector) {
	e.mu.Lock()
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
	e.dets = nil
	e.index = map[string][]Detector{}
	e.mu.Unlock()
	e.Add(append(kept, dets...)...)
}

// Detectors returns the registered detectors.
func (e *Engine) Detectors() []Detector {
	e.mu.RLock()
	defer e.mu.RUnlock()
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
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.index[name]) > 0
}

// Evaluate runs ev through every detector that selects it and calls emit for
// each finding. Detector errors are counted and logged; they never stop the
// remaining detectors.
func (e *Engine) Evaluate(ctx context.Context, ev *event.Event, emit func(*event.Finding)) {
	e.mu.RLock()
	dets := e.index[ev.Name]
	e.mu.RUnlock()
	for _, d := range dets {
		err := d.Evaluate(ctx, ev, func(f *event.Finding) {
			e.m.findings.WithLabelValues(f.Rule.ID, f.Rule.Severity.String()).Inc()
			emit(f)
		})
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
