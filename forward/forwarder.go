package forward

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/event"
)

// Options carries what a Forwarder takes from its host program. A nil
// *Options, and every zero field, selects the default.
type Options struct {
	// Logger receives delivery problems. Default: slog.Default().
	Logger *slog.Logger
	// Registerer receives the per-output metrics. Default: none.
	Registerer prometheus.Registerer
	// Stdout is where stdout outputs write. Default: os.Stdout.
	Stdout io.Writer
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Version is splicewatch's version, put in CEF and OCSF records.
	Version string
	// FlushTimeout bounds the flush when New's context is cancelled, and
	// when Close gets a context without deadline. Default 5s.
	FlushTimeout time.Duration
}

// Forwarder fans findings out to the configured outputs.
type Forwarder struct {
	log     *slog.Logger
	now     func() time.Time
	flush   time.Duration
	outputs []*output

	mu        sync.RWMutex
	closed    bool
	closeOnce sync.Once
	closeErr  error
	closeDone chan struct{}
}

// New validates cfg, opens the outputs' queues and starts delivering,
// resuming whatever a previous run left queued. Cancelling ctx shuts the
// forwarder down as Close does, with Options.FlushTimeout.
func New(ctx context.Context, cfg *Config, opts *Options) (*Forwarder, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FlushTimeout <= 0 {
		o.FlushTimeout = 5 * time.Second
	}
	if cfg == nil {
		cfg = &Config{}
	}
	if len(cfg.Outputs) == 0 {
		cfg = &Config{QueueDir: cfg.QueueDir, Outputs: []OutputConfig{{Type: TypeStdout}}}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	if cfg.QueueDir != "" {
		if err := os.MkdirAll(cfg.QueueDir, 0o700); err != nil {
			return nil, fmt.Errorf("create queue_dir: %w", err)
		}
	}
	fw := &Forwarder{log: o.Logger, now: o.Now, flush: o.FlushTimeout, closeDone: make(chan struct{})}
	env := &outputEnv{log: o.Logger, m: m, now: o.Now, stdout: o.Stdout, version: o.Version, queueDir: cfg.QueueDir}
	for i := range cfg.Outputs {
		out, err := newOutput(&cfg.Outputs[i], env)
		if err != nil {
			for _, prev := range fw.outputs {
				prev.abort()
			}
			return nil, fmt.Errorf("output %q: %w", cfg.Outputs[i].Name, err)
		}
		fw.outputs = append(fw.outputs, out)
	}
	for _, out := range fw.outputs {
		out.start()
	}
	go func() {
		select {
		case <-ctx.Done():
			cctx, cancel := context.WithTimeout(context.Background(), fw.flush)
			defer cancel()
			fw.Close(cctx)
		case <-fw.closeDone:
		}
	}()
	return fw, nil
}

// Send hands f to every output whose filters match. It returns quickly: a
// full output either drops its oldest finding or waits at most its
// block_timeout, per its when_full policy. After Close, findings are
// dropped and counted.
func (fw *Forwarder) Send(f *event.Finding) {
	fw.mu.RLock()
	defer fw.mu.RUnlock()
	for _, out := range fw.outputs {
		if !out.filter.match(f) {
			continue
		}
		if fw.closed {
			out.drop("closed", 1)
			continue
		}
		out.offer(f)
	}
}

// Close stops accepting findings, lets each output deliver what it holds
// until ctx ends (or Options.FlushTimeout when ctx has no deadline), then
// leaves the rest in the durable queues for the next start. It is safe to
// call more than once; later calls wait for the first.
func (fw *Forwarder) Close(ctx context.Context) error {
	fw.closeOnce.Do(func() {
		fw.mu.Lock()
		fw.closed = true
		for _, out := range fw.outputs {
			close(out.in)
		}
		fw.mu.Unlock()
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, fw.flush)
			defer cancel()
		}
		errs := make([]error, len(fw.outputs))
		var wg sync.WaitGroup
		for i, out := range fw.outputs {
			wg.Go(func() { errs[i] = out.shutdown(ctx) })
		}
		wg.Wait()
		fw.closeErr = errors.Join(errs...)
		close(fw.closeDone)
	})
	<-fw.closeDone
	return fw.closeErr
}
