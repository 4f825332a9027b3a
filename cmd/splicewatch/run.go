package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

func newRunCmd() *cobra.Command {
	cfg := defaultConfig()
	var configPath string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Capture zero-copy syscalls and print findings (needs root)",
		Long: "run loads the eBPF sensor, evaluates every captured event against the rules\n" +
			"and prints findings as JSON lines on stdout. Logs go to stderr.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath != "" {
				file := defaultConfig()
				if err := loadConfig(configPath, &file); err != nil {
					return err
				}
				mergeFlags(cmd, &cfg, file)
			}
			if err := cfg.validate("(flags)"); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return run(ctx, &cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration `file`")
	f.BoolVar(&cfg.Events, "events", cfg.Events, "also print every captured event as a JSON line")
	f.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus metrics on this `address` (e.g. 127.0.0.1:9090)")
	f.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn or error")
	f.StringVar(&cfg.Host, "host", cfg.Host, "host name stamped on events (default: the system host name)")
	f.StringVar(&cfg.Sensor.ProbeMode, "probe-mode", cfg.Sensor.ProbeMode, "attach mode: auto, fentry, kprobe or tracepoint (see `splicewatch doctor`)")
	f.IntVar(&cfg.Sensor.RingBufferBytes, "ring-buffer-bytes", cfg.Sensor.RingBufferBytes, "size of the eBPF ring buffer, a power of two")
	f.IntVar(&cfg.Sensor.WakeupBytes, "wakeup-bytes", cfg.Sensor.WakeupBytes, "wake the reader when this much data is buffered")
	f.DurationVar(&cfg.Sensor.PollInterval, "poll-interval", cfg.Sensor.PollInterval, "longest time an ordinary event waits in the ring buffer")
	f.IntVar(&cfg.Engine.Workers, "workers", cfg.Engine.Workers, "rule evaluation goroutines")
	return cmd
}

// mergeFlags applies the config file under the flags: a flag set on the
// command line keeps its value.
func mergeFlags(cmd *cobra.Command, cfg *config, file config) {
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	keep := *cfg
	*cfg = file
	if set("events") {
		cfg.Events = keep.Events
	}
	if set("metrics-addr") {
		cfg.MetricsAddr = keep.MetricsAddr
	}
	if set("log-level") {
		cfg.LogLevel = keep.LogLevel
	}
	if set("host") {
		cfg.Host = keep.Host
	}
	if set("probe-mode") {
		cfg.Sensor.ProbeMode = keep.Sensor.ProbeMode
	}
	if set("ring-buffer-bytes") {
		cfg.Sensor.RingBufferBytes = keep.Sensor.RingBufferBytes
	}
	if set("wakeup-bytes") {
		cfg.Sensor.WakeupBytes = keep.Sensor.WakeupBytes
	}
	if set("poll-interval") {
		cfg.Sensor.PollInterval = keep.Sensor.PollInterval
	}
	if set("workers") {
		cfg.Engine.Workers = keep.Engine.Workers
	}
}

func run(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	level, _ := parseLevel(cfg.LogLevel)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	eng := engine.New(&engine.Options{Logger: log, Registerer: reg, Workers: cfg.Engine.Workers})
	for _, sig := range builtin.All() {
		eng.Add(engine.FromSignature(sig))
	}
	defer eng.Close()

	sens, err := sensor.New(&sensor.Options{
		Host:            cfg.Host,
		ProbeMode:       features.Mode(cfg.Sensor.ProbeMode),
		RingBufferBytes: cfg.Sensor.RingBufferBytes,
		WakeupBytes:     cfg.Sensor.WakeupBytes,
		PollInterval:    cfg.Sensor.PollInterval,
		Logger:          log,
		Registerer:      reg,
	})
	if err != nil {
		return fmt.Errorf("start sensor: %w", err)
	}
	defer sens.Close()

	if cfg.MetricsAddr != "" {
		srv, err := serveMetrics(cfg.MetricsAddr, reg, log)
		if err != nil {
			return err
		}
		defer srv.Close()
	}
	log.Info("splicewatch running", "mode", sens.Mode(), "rules", len(eng.Rules()), "events", cfg.Events)

	out := newJSONLines(stdout)
	stopFlush := out.flushEvery(200 * time.Millisecond)
	defer stopFlush()
	emit := func(f *event.Finding) { out.write(f, true) }

	// One worker evaluates inline on the reader's goroutine: no hand-off
	// per event. More workers shard events by process over goroutines.
	handle := func(ev *event.Event) {
		if cfg.Events {
			out.write(ev, false)
		}
		eng.Evaluate(ctx, ev, emit)
	}
	var wait func()
	if cfg.Engine.Workers > 1 {
		handle, wait = parallel(ctx, eng, cfg.Events, out)
	}
	runErr := sens.Run(ctx, handle)
	if wait != nil {
		wait()
	}
	out.flush()
	if runErr != nil {
		return fmt.Errorf("sensor: %w", runErr)
	}
	log.Info("splicewatch stopped")
	return nil
}

func serveMetrics(addr string, reg *prometheus.Registry, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usagef("metrics address %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "error", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return srv, nil
}

// parallel returns a handler that feeds eng.Run's sharded workers, and a
// function that waits for them to finish after the sensor stopped.
func parallel(ctx context.Context, eng *engine.Engine, printEvents bool, out *jsonLines) (func(*event.Event), func()) {
	events := make(chan *event.Event, 4096)
	findings := make(chan *event.Finding, 1024)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(findings)
		_ = eng.Run(context.WithoutCancel(ctx), events, findings)
	}()
	go func() {
		defer wg.Done()
		for f := range findings {
			out.write(f, true)
		}
	}()
	handle := func(ev *event.Event) {
		if printEvents {
			out.write(ev, false)
		}
		events <- ev
	}
	return handle, func() { close(events); wg.Wait() }
}

// jsonLines writes JSON values one per line, safe for concurrent use.
type jsonLines struct {
	mu sync.Mutex
	w  *bufio.Writer
	e  *json.Encoder
}

func newJSONLines(w io.Writer) *jsonLines {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &jsonLines{w: bw, e: json.NewEncoder(bw)}
}

// write encodes v; flushNow pushes it out at once (findings must not wait).
func (j *jsonLines) write(v any, flushNow bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = j.e.Encode(v)
	if flushNow {
		_ = j.w.Flush()
	}
}

// flushEvery flushes buffered lines periodically until the returned stop
// function is called.
func (j *jsonLines) flushEvery(d time.Duration) (stop func()) {
	t := time.NewTicker(d)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				j.flush()
			case <-done:
				return
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

func (j *jsonLines) flush() {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = j.w.Flush()
}
