package sensor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/sensor/features"
)

// Options configure a Sensor. A nil *Options gives the defaults.
type Options struct {
	// Host is stamped on every event. Default: os.Hostname().
	Host string
	// RingBufferBytes is the size of the kernel-to-user ring buffer, a
	// power of two multiple of the page size. Default: 16 MiB.
	RingBufferBytes int
	// WakeupBytes: each CPU wakes the reader after it has sent this much
	// data since its last wakeup (capped at a quarter of the ring divided
	// by the number of CPUs). Other ordinary records are collected every
	// PollInterval; suspicious records always wake the reader at once.
	// Default: 256 KiB.
	WakeupBytes int
	// PollInterval bounds how long an ordinary record waits in the ring
	// buffer. Default: 100ms.
	PollInterval time.Duration
	// LossInterval is how often the kernel loss counters are read.
	// Default: 1s.
	LossInterval time.Duration
	// Logger receives the sensor's logs. Default: slog.Default().
	Logger *slog.Logger
	// Registerer receives the sensor's metrics. Default: none.
	Registerer prometheus.Registerer
	// Filter configures in-kernel filtering. Nil filters nothing.
	Filter *Filter
	// ProbeMode chooses the attach mode: auto (the default), fentry,
	// kprobe or tracepoint. A forced mode the kernel cannot do is an
	// error; in fentry and kprobe modes a call whose hook function is
	// missing falls back to tracepoints, and this is logged.
	ProbeMode features.Mode
	// CompatSyscalls says whether 32-bit (ia32, `int $0x80`) system calls
	// are watched: auto (the default), on or off. See Compat.
	CompatSyscalls Compat
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Host == "" {
		c.Host, _ = os.Hostname()
	}
	if c.RingBufferBytes == 0 {
		c.RingBufferBytes = 16 << 20
	}
	if c.WakeupBytes == 0 {
		c.WakeupBytes = 256 << 10
	}
	if c.PollInterval == 0 {
		c.PollInterval = 100 * time.Millisecond
	}
	if c.LossInterval == 0 {
		c.LossInterval = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ProbeMode == "" {
		c.ProbeMode = features.ModeAuto
	}
	if c.CompatSyscalls == "" {
		c.CompatSyscalls = CompatAuto
	}
	return c
}

// Sensor holds the loaded and attached eBPF programs.
type Sensor struct {
	opts   Options
	mode   features.Mode
	modes  map[string]features.Mode // attach mode of each call
	compat string                   // how 32-bit calls are watched, "" when they are not
	typed  bool                     // programs load kernel fields directly (bpf_rdonly_cast)
	colls  []*ebpf.Collection
	links  []link.Link
	reader *ringbuf.Reader
	clock  monoClock
	mem    *decodeMem // where Run's events are built, reused per record
	procs  *procTable
	conts  *containerCache
	filter *filterState
	m      *metrics
	loss   *lossCounter
}

// New loads the eBPF objects into the kernel and attaches them. The
// programs run from this point on; call Run to consume their events and
// Close to detach them.
func New(opts *Options) (*Sensor, error) {
	o := opts.withDefaults()
	if o.RingBufferBytes <= 0 || o.RingBufferBytes&(o.RingBufferBytes-1) != 0 || o.RingBufferBytes < os.Getpagesize() {
		return nil, fmt.Errorf("ring buffer size %d: must be a power of two and at least one page", o.RingBufferBytes)
	}
	if err := preflight(); err != nil {
		return nil, err
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("raise memlock limit: %w", err)
	}
	if err := o.Filter.Validate(); err != nil {
		return nil, err
	}
	var err error
	if o.CompatSyscalls, err = ParseCompat(string(o.CompatSyscalls)); err != nil {
		return nil, err
	}
	s := &Sensor{opts: o, clock: newMonoClock(), mem: new(decodeMem), procs: newProcTable(65536), conts: newContainerCache(4096), m: newMetrics(o.Registerer)}
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	if o.Registerer != nil {
		if err := o.Registerer.Register(newProgCollector(s)); err != nil {
			s.Close()
			return nil, fmt.Errorf("register program metrics: %w", err)
		}
	}
	if s.opts.Filter != nil {
		if s.filter, err = setupFilter(s.opts.Filter, s.colls[0]); err != nil {
			s.Close()
			return nil, err
		}
	}
	events := s.colls[0].Maps["sw_events"]
	s.loss = newLossCounter(s.colls[0].Maps["sw_stats"])
	s.reader, err = ringbuf.NewReader(events)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open ring buffer: %w", err)
	}
	return s, nil
}

// load picks the attach mode, loads its programs and attaches them. Calls
// whose hook function this kernel lacks fall back to tracepoints, sharing
// the maps of the primary object.
func (s *Sensor) load() error {
	report, err := features.Probe(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("probe kernel: %w", err)
	}
	mode := s.opts.ProbeMode
	if mode == features.ModeAuto {
		if report.Auto.Mode == "" {
			return fmt.Errorf("no attach mode works on this kernel: %s (run `splicewatch doctor`)", report.Auto.Reason)
		}
		mode = report.Auto.Mode
		s.opts.Logger.Info("attach mode chosen", "mode", mode, "why", report.Auto.Reason)
	} else if err := report.Supports(mode); err != nil {
		return fmt.Errorf("probe mode %s: %w (run `splicewatch doctor`)", mode, err)
	}
	set, ok := programSets[mode]
	if !ok {
		return fmt.Errorf("probe mode %q: unknown", mode)
	}
	s.mode = mode
	s.typed = report.TypedReads.Available
	s.modes = map[string]features.Mode{}
	var primary, fallback []string
	for _, c := range calls {
		if hookAvailable(report, mode, c) {
			primary = append(primary, c)
			s.modes[c] = mode
		} else {
			fallback = append(fallback, c)
			s.modes[c] = features.ModeTracepoint
			s.opts.Logger.Warn("hook missing: call falls back to tracepoints", "call", c, "hook", hookFunc[c], "mode", mode)
		}
	}
	fallback = append(fallback, memoryHooks...)
	hooks, raw, how, note := compatPlan(report, mode, s.opts.CompatSyscalls)
	primary = append(primary, hooks...)
	if raw {
		fallback = append(fallback, rawCompat)
	}
	s.compat = how
	switch {
	case how != "":
		s.opts.Logger.Info("32-bit system calls watched", "how", how)
	case s.opts.CompatSyscalls == CompatAuto && report.IA32.Available:
		s.opts.Logger.Warn("32-bit system calls (int $0x80) are not watched: a process can make vmsplice, splice, tee and sendfile calls unseen", "why", note)
	default:
		s.opts.Logger.Info("32-bit system calls not watched", "why", note)
	}
	var shared map[string]*ebpf.Map
	for _, part := range []struct {
		set   programSet
		calls []string
	}{{set, primary}, {programSets[features.ModeTracepoint], fallback}} {
		if len(part.calls) == 0 {
			continue
		}
		coll, sections, err := s.loadSet(part.set, part.calls, shared)
		if err != nil {
			return err
		}
		s.colls = append(s.colls, coll)
		if shared == nil {
			shared = map[string]*ebpf.Map{}
			for _, name := range sharedMaps {
				shared[name] = coll.Maps[name]
			}
		}
		if err := s.attachColl(coll, sections); err != nil {
			return err
		}
	}
	return nil
}

// Mode returns the attach mode in use.
func (s *Sensor) Mode() features.Mode { return s.mode }

// TypedReads reports whether the programs load kernel fields directly
// (kernels with bpf_rdonly_cast) rather than with a probe read per field.
func (s *Sensor) TypedReads() bool { return s.typed }

// Compat says how 32-bit (ia32) system calls are watched: "ia32 hooks"
// (fentry or kprobe on the __ia32_sys_* wrappers), "raw tracepoints", or
// "" when they are not.
func (s *Sensor) Compat() string { return s.compat }

// CallModes returns the attach mode of each watched call: the chosen mode,
// or tracepoint for a call whose hook function is missing.
func (s *Sensor) CallModes() map[string]features.Mode {
	out := make(map[string]features.Mode, len(s.modes))
	for k, v := range s.modes {
		out[k] = v
	}
	return out
}

// Run reads events until ctx is done and passes each to handle, in the
// order the ring buffer holds them, on Run's goroutine. It also passes an
// events_lost event whenever the kernel side reports losses. While handle
// runs, the kernel keeps buffering; a handler slower than the event rate
// fills the ring buffer and the overflow is counted as lost. Run returns
// nil when ctx is cancelled.
//
// The event is lent to handle: Run reuses its memory for a later event
// once handle returns. A handler that keeps the event, or any value in it,
// past its return, or gives it to another goroutine, keeps ev.Clone().
func (s *Sensor) Run(ctx context.Context, handle func(*event.Event)) error {
	stop := context.AfterFunc(ctx, func() { s.reader.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	lossTick := time.NewTicker(s.opts.LossInterval)
	defer lossTick.Stop()
	if s.filter != nil {
		if every := s.filter.refreshInterval(); every > 0 {
			// The refresh writes maps: it ends before Run returns, so
			// before Close can close them.
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.filter.refreshEvery(rctx, every, s.opts.Logger)
			}()
			defer func() { cancel(); <-done }()
		}
	}

	// Room for the largest record, so that decoders can view records in
	// place instead of copying them.
	rec := ringbuf.Record{RawSample: make([]byte, 0, 1024)}
	var n uint64
	s.reader.SetDeadline(time.Now().Add(s.opts.PollInterval))
	for {
		err := s.reader.ReadInto(&rec)
		switch {
		case err == nil:
			s.handleRecord(rec.RawSample, handle)
			// A ring that never goes quiet must not starve the loss
			// and throttle reports.
			if n++; n%256 != 0 {
				continue
			}
			if ctx.Err() != nil {
				s.reportLoss(handle)
				return nil
			}
		case errors.Is(err, os.ErrDeadlineExceeded):
			if ctx.Err() != nil {
				s.reportLoss(handle)
				return nil
			}
			s.reader.SetDeadline(time.Now().Add(s.opts.PollInterval))
		case errors.Is(err, ringbuf.ErrClosed):
			return nil
		default:
			return fmt.Errorf("read ring buffer: %w", err)
		}
		select {
		case <-lossTick.C:
			s.reportLoss(handle)
		default:
		}
	}
}

// handleRecord decodes one ring buffer record and passes the event to
// handle.
func (s *Sensor) handleRecord(raw []byte, handle func(*event.Event)) {
	if ev := s.decode(raw); ev != nil {
		handle(ev)
	}
}

// decode turns a record into an enriched event, counting failures as losses.
func (s *Sensor) decode(raw []byte) *event.Event {
	ev, err := s.mem.decode(raw, s.clock)
	if err != nil {
		s.loss.addDecodeError()
		s.opts.Logger.Warn("undecodable record", "error", err)
		return nil
	}
	ev.Host = s.opts.Host
	if ev.Name == event.NameProcessExec || ev.Name == event.NameProcessExit {
		s.procs.observe(ev)
	}
	ev.Process.Exe = s.procs.lookup(ev.Process.PID, ev.Process.PPID)
	if ev.Process.CgroupID != 0 {
		ev.Process.ContainerID = s.conts.lookup(ev.Process.CgroupID, ev.Process.PID)
	}
	switch ev.Name {
	case event.NameProcessExec:
		s.filter.check(ev.Process.PID, ev.Process.Exe, ev.Process.CgroupID)
	case event.NameProcessExit:
		s.filter.forget(ev.Process.PID)
	}
	s.m.event(ev.Name).Inc()
	return ev
}

// reportLoss reads the loss counters and emits one events_lost event per
// reason whose count grew.
func (s *Sensor) reportLoss(handle func(*event.Event)) {
	deltas, err := s.loss.poll()
	if err != nil {
		s.opts.Logger.Error("read loss counters", "error", err)
		return
	}
	for _, d := range deltas {
		s.m.lost.WithLabelValues(d.reason).Add(float64(d.count))
		s.opts.Logger.Warn("events lost", "reason", d.reason, "count", d.count)
		ev := &event.Event{
			Name: event.NameEventsLost,
			Time: time.Now(),
			Host: s.opts.Host,
		}
		ev.Args.Add("lost", d.count)
		ev.Args.Add("reason", d.reason)
		handle(ev)
	}
	if n, err := s.loss.filteredDelta(); err == nil {
		s.m.filtered.Add(float64(n))
	}
	for _, ev := range s.filter.throttled(s.opts.Host, time.Now()) {
		s.m.event(ev.Name).Inc()
		handle(ev)
	}
}

// Lost returns the total number of events lost so far, by reason.
func (s *Sensor) Lost() (map[string]uint64, error) {
	if _, err := s.loss.poll(); err != nil {
		return nil, err
	}
	return s.loss.totals(), nil
}

// Close detaches the programs and frees their resources.
func (s *Sensor) Close() error {
	var errs []error
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	for _, l := range s.links {
		errs = append(errs, l.Close())
	}
	for _, c := range s.colls {
		c.Close()
	}
	return errors.Join(errs...)
}
