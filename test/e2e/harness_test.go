package e2e

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/rules"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

// requireRoot skips the test when not running as root: loading eBPF needs
// it. This is the only reason an end-to-end test may skip.
func requireRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("end-to-end tests load eBPF programs and need root: run `sudo make test` or `make test` as root")
	}
}

// pipeline is a running sensor and engine that keep what they see from
// this test process.
type pipeline struct {
	sensor *sensor.Sensor
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	events   []*event.Event
	findings []*event.Finding
	all      atomic.Int64 // every event read, from any process

	// With countOnly, this process's events named countName are counted,
	// not kept. countName is set before countOnly.
	countOnly           atomic.Bool
	countName           string
	mine                atomic.Uint64
	firstSeen, lastSeen atomic.Int64 // unix nanoseconds
}

// startPipeline loads the sensor, the built-in signatures and the embedded
// Rego rule pack, and starts consuming. Everything is torn down by t.Cleanup.
func startPipeline(tb testing.TB, opts *sensor.Options) *pipeline {
	tb.Helper()
	return startPipelineRules(tb, opts, true)
}

// startPipelineRules is startPipeline, with or without the Rego pack.
func startPipelineRules(tb testing.TB, opts *sensor.Options, withPack bool) *pipeline {
	tb.Helper()
	requireRoot(tb)
	var o sensor.Options
	if opts != nil {
		o = *opts
	}
	if o.RingBufferBytes == 0 {
		o.RingBufferBytes = 64 << 20 // room for other processes' bursts on a busy machine
	}
	if o.CompatSyscalls == "" {
		// Six more entry programs to verify at every start make the
		// kernel matrix (emulated, one sensor per test) twice as slow;
		// the tests of 32-bit calls ask for them.
		o.CompatSyscalls = sensor.CompatOff
	}
	// The kernel matrix (make test-kernels) runs the suite once per mode.
	want := features.ModeAuto
	if env := os.Getenv("SPLICEWATCH_PROBE_MODE"); env != "" {
		m, err := features.ParseMode(env)
		if err != nil {
			tb.Fatalf("SPLICEWATCH_PROBE_MODE: %v", err)
		}
		want, o.ProbeMode = m, m
	}
	var pack *rego.Detector
	if withPack {
		pack = loadPack(tb, nil)
	}
	s, err := sensor.New(&o)
	if err != nil {
		tb.Fatalf("start sensor: %v", err)
	}
	if want != features.ModeAuto {
		if s.Mode() != want {
			tb.Fatalf("sensor attached in mode %s, want %s", s.Mode(), want)
		}
		for call, m := range s.CallModes() {
			if m != want {
				tb.Errorf("call %s attached in mode %s, want %s", call, m, want)
			}
		}
	}
	eng := engine.New(nil)
	for _, sig := range builtin.All() {
		eng.Add(engine.FromSignature(sig))
	}
	if pack != nil {
		eng.Add(pack)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &pipeline{sensor: s, cancel: cancel, done: make(chan struct{})}
	pid := uint32(os.Getpid())
	// The handler runs on Run's goroutine and evaluates inline, so one
	// findings buffer serves every event.
	var fs []*event.Finding
	collect := func(f *event.Finding) { fs = append(fs, f) }
	handle := func(ev *event.Event) {
		fs = fs[:0]
		eng.Evaluate(ctx, ev, collect)
		p.all.Add(1)
		if p.countOnly.Load() {
			// The overhead benchmark's path: no lock, no copy.
			if ev.Process.PID == pid && ev.Name == p.countName {
				n := p.mine.Add(1)
				if n == 1 {
					p.firstSeen.Store(time.Now().UnixNano())
				}
				if n%1024 == 0 {
					p.lastSeen.Store(time.Now().UnixNano())
				}
			}
			return
		}
		if ev.Process.PID == pid || ev.Process.PPID == pid || ev.Name == event.NameEventsLost {
			// The sensor lends ev only until handle returns; findings
			// own their copy, and point at the kept one.
			kept := ev.Clone()
			for _, f := range fs {
				f.Event = kept
			}
			p.mu.Lock()
			p.events = append(p.events, kept)
			p.findings = append(p.findings, fs...)
			p.mu.Unlock()
		}
	}
	go func() {
		defer close(p.done)
		if err := s.Run(ctx, handle); err != nil {
			tb.Errorf("sensor run: %v", err)
		}
	}()
	tb.Cleanup(p.stop)
	return p
}

// loadPack loads the embedded Rego rule pack, as `splicewatch run` does,
// with the operator settings cfg (nil: the rules' defaults).
func loadPack(tb testing.TB, cfg map[string]any) *rego.Detector {
	tb.Helper()
	d, err := rego.Load(context.Background(), &rego.Options{
		Sources: []rego.Source{{Name: "embedded", FS: rules.FS()}},
		Config:  cfg,
	})
	if err != nil {
		tb.Fatalf("load the rule pack: %v", err)
	}
	return d
}

func (p *pipeline) stop() {
	p.cancel()
	<-p.done
	p.sensor.Close()
}

// waitFor polls until cond holds on the collected events, or fails.
func (p *pipeline) waitFor(tb testing.TB, what string, cond func(evs []*event.Event) bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		evs := append([]*event.Event(nil), p.events...)
		p.mu.Unlock()
		if cond(evs) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	lost, _ := p.sensor.Lost()
	tb.Fatalf("timed out waiting for %s (events lost so far: %v)", what, lost)
}

// find returns the first collected event matching match, or nil.
func (p *pipeline) find(match func(*event.Event) bool) *event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ev := range p.events {
		if match(ev) {
			return ev
		}
	}
	return nil
}

// findingsFor returns the findings whose triggering event is ev.
func (p *pipeline) findingsFor(ev *event.Event) []*event.Finding {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*event.Finding
	for _, f := range p.findings {
		if f.Event == ev {
			out = append(out, f)
		}
	}
	return out
}
