package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/engine/plugin"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/forward"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

func newRunCmd() *cobra.Command {
	cfg := defaultConfig()
	var (
		configPath string
		rf         ruleFlags
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Capture zero-copy syscalls and report findings (needs root)",
		Long: "run loads the eBPF sensor, evaluates every captured event against the rules\n" +
			"and sends findings to the configured outputs (JSON lines on stdout by default).\n" +
			"Logs go to stderr. SIGHUP reloads the Rego rules; SIGINT and SIGTERM stop.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath != "" {
				file := defaultConfig()
				if err := loadConfig(configPath, &file); err != nil {
					return err
				}
				mergeFlags(cmd, &cfg, file)
			}
			cfg.Rules.Dirs = append(cfg.Rules.Dirs, rf.dirs...)
			cfg.Rules.NoDefault = cfg.Rules.NoDefault || rf.noDefault
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
	f.BoolVar(&cfg.Events, "events", cfg.Events, "also print every captured event as a JSON line on stdout")
	f.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus metrics on this `address` (e.g. 127.0.0.1:9090)")
	f.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn or error")
	f.StringVar(&cfg.Host, "host", cfg.Host, "host name stamped on events (default: the system host name)")
	f.StringVar(&cfg.Sensor.ProbeMode, "probe-mode", cfg.Sensor.ProbeMode, "attach mode: auto, fentry, kprobe or tracepoint (see `splicewatch doctor`)")
	f.StringVar(&cfg.Sensor.CompatSyscalls, "compat-syscalls", cfg.Sensor.CompatSyscalls, "watch 32-bit (int $0x80) system calls: auto, on or off (see the README)")
	f.IntVar(&cfg.Sensor.RingBufferBytes, "ring-buffer-bytes", cfg.Sensor.RingBufferBytes, "size of the eBPF ring buffer, a power of two")
	f.IntVar(&cfg.Sensor.WakeupBytes, "wakeup-bytes", cfg.Sensor.WakeupBytes, "each CPU wakes the reader after sending this much data")
	f.DurationVar(&cfg.Sensor.PollInterval, "poll-interval", cfg.Sensor.PollInterval, "longest time an ordinary event waits in the ring buffer")
	f.IntVar(&cfg.Engine.Workers, "workers", cfg.Engine.Workers, "rule evaluation goroutines")
	f.StringVar(&cfg.Plugins.Dir, "plugins", cfg.Plugins.Dir, "folder of signature plugin binaries")
	f.BoolVar(&cfg.Plugins.AllowUnverified, "allow-unverified-plugins", false, "run plugins whose checksum is not on the allow list (logs a warning)")
	rf.register(f)
	return cmd
}

// mergeFlags applies the config file under the flags: a flag set on the
// command line keeps its value.
func mergeFlags(cmd *cobra.Command, cfg *config, file config) {
	set := cmd.Flags().Changed
	keep := *cfg
	*cfg = file
	for _, m := range []struct {
		flag string
		fn   func()
	}{
		{"events", func() { cfg.Events = keep.Events }},
		{"metrics-addr", func() { cfg.MetricsAddr = keep.MetricsAddr }},
		{"log-level", func() { cfg.LogLevel = keep.LogLevel }},
		{"host", func() { cfg.Host = keep.Host }},
		{"probe-mode", func() { cfg.Sensor.ProbeMode = keep.Sensor.ProbeMode }},
		{"compat-syscalls", func() { cfg.Sensor.CompatSyscalls = keep.Sensor.CompatSyscalls }},
		{"ring-buffer-bytes", func() { cfg.Sensor.RingBufferBytes = keep.Sensor.RingBufferBytes }},
		{"wakeup-bytes", func() { cfg.Sensor.WakeupBytes = keep.Sensor.WakeupBytes }},
		{"poll-interval", func() { cfg.Sensor.PollInterval = keep.Sensor.PollInterval }},
		{"workers", func() { cfg.Engine.Workers = keep.Engine.Workers }},
		{"plugins", func() { cfg.Plugins.Dir = keep.Plugins.Dir }},
		{"allow-unverified-plugins", func() { cfg.Plugins.AllowUnverified = keep.Plugins.AllowUnverified }},
	} {
		if set(m.flag) {
			m.fn()
		}
	}
}

func run(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	level, _ := parseLevel(cfg.LogLevel)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	out := newSyncWriter(stdout)

	eng := engine.New(&engine.Options{Logger: log, Registerer: reg, Workers: cfg.Engine.Workers})
	defer eng.Close()
	rules := &ruleSet{cfg: &cfg.Rules, env: &ruleEnv{
		Config: func() map[string]any { return cfg.Rules.Config }, Logger: log, Registerer: reg,
	}}
	det, err := rules.load(ctx)
	if err != nil {
		return compileExit(fmt.Errorf("load rules: %w", err))
	}
	eng.Add(det)
	eng.Add(engine.FromSignature(&builtin.KernelIOVBase{}),
		engine.FromSignature(builtin.NewFailedZeroCopyBurst(&cfg.Signatures.SPW009)))
	plugins, err := plugin.Load(ctx, &cfg.Plugins, &plugin.Options{Logger: log, Registerer: reg})
	if err != nil {
		return fmt.Errorf("load plugins: %w", err)
	}
	eng.Add(plugins...)

	fw, err := forward.New(context.WithoutCancel(ctx), &cfg.Forward, &forward.Options{
		Logger: log, Registerer: reg, Stdout: out, Version: version,
	})
	if err != nil {
		return fmt.Errorf("start outputs: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := fw.Close(cctx); err != nil {
			log.Error("close outputs", "error", err)
		}
	}()

	sens, err := sensor.New(&sensor.Options{
		Host:            cfg.Host,
		ProbeMode:       features.Mode(cfg.Sensor.ProbeMode),
		CompatSyscalls:  sensor.Compat(cfg.Sensor.CompatSyscalls),
		RingBufferBytes: cfg.Sensor.RingBufferBytes,
		WakeupBytes:     cfg.Sensor.WakeupBytes,
		PollInterval:    cfg.Sensor.PollInterval,
		Filter:          &cfg.Sensor.Filter,
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
	go rules.reloadOnHUP(ctx, eng, log)
	log.Info("splicewatch running", "mode", sens.Mode(), "rules", len(eng.Rules()),
		"outputs", len(cfg.Forward.Outputs), "events", cfg.Events)

	events := newJSONLines(out)
	stopFlush := events.flushEvery(200 * time.Millisecond)
	defer stopFlush()
	emit := fw.Send
	// One worker evaluates inline on the reader's goroutine: no hand-off
	// per event. More workers shard events by process over goroutines.
	handle := func(ev *event.Event) {
		if cfg.Events {
			events.write(ev)
		}
		eng.Evaluate(ctx, ev, emit)
	}
	var wait func()
	if cfg.Engine.Workers > 1 {
		handle, wait = parallel(ctx, eng, cfg.Events, events, emit)
	}
	runErr := sens.Run(ctx, handle)
	if wait != nil {
		wait()
	}
	fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := eng.Flush(fctx); err != nil {
		log.Warn("flush plugins", "error", err)
	}
	events.flush()
	if runErr != nil {
		return fmt.Errorf("sensor: %w", runErr)
	}
	log.Info("splicewatch stopped")
	return nil
}

// parallel returns a handler that feeds eng.Run's sharded workers, and a
// function that waits for them to finish after the sensor stopped.
func parallel(ctx context.Context, eng *engine.Engine, printEvents bool, out *jsonLines, emit func(*event.Finding)) (func(*event.Event), func()) {
	events := make(chan *event.Event, 4096)
	findings := make(chan *event.Finding, 1024)
	done := make(chan struct{})
	go func() {
		defer close(findings)
		_ = eng.Run(context.WithoutCancel(ctx), events, findings)
	}()
	go func() {
		defer close(done)
		for f := range findings {
			emit(f)
		}
	}()
	handle := func(ev *event.Event) {
		if printEvents {
			out.write(ev)
		}
		events <- ev.Clone() // the sensor lends ev only until handle returns
	}
	return handle, func() { close(events); <-done }
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
