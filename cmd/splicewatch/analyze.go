package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/engine/plugin"
	"github.com/splicewatch/splicewatch/engine/replay"
	"github.com/splicewatch/splicewatch/signatures/builtin"
)

// newAnalyzeCmd returns `splicewatch analyze`: the detection engine over
// recorded JSON-lines events, findings as JSON lines on stdout and a
// summary on stderr. extra are the non-Rego detectors to run besides the
// rule set; nil means the built-in Go signatures.
func newAnalyzeCmd(env *ruleEnv) *cobra.Command {
	if env == nil {
		env = &ruleEnv{}
	}
	var (
		flags      ruleFlags
		input      string
		format     string
		workers    int
		configPath string
		plugins    plugin.Config
	)
	cmd := &cobra.Command{
		Use:   "analyze --input FILE|-",
		Short: "Run the detection engine over recorded events (JSON lines)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := replay.ParseFormat(format)
			if err != nil {
				return &exitCodeError{code: 2, err: err}
			}
			in, size, err := openInput(cmd, input)
			if err != nil {
				return &exitCodeError{code: 2, err: err}
			}
			defer in.Close()
			cfg := defaultConfig()
			if configPath != "" {
				if err := loadConfig(configPath, &cfg); err != nil {
					return err
				}
				flags.dirs = append(cfg.Rules.Dirs, flags.dirs...)
				flags.noDefault = flags.noDefault || cfg.Rules.NoDefault
				env = &ruleEnv{Config: func() map[string]any { return cfg.Rules.Config }, Logger: env.Logger, Registerer: env.Registerer, Timeout: env.Timeout}
			}
			det, err := flags.Load(cmd.Context(), env)
			if err != nil {
				return compileExit(err)
			}
			dets := []engine.Detector{det,
				engine.FromSignature(&builtin.KernelIOVBase{}),
				engine.FromSignature(builtin.NewFailedZeroCopyBurst(&cfg.Signatures.SPW009)),
			}
			if plugins.Dir != "" || cfg.Plugins.Dir != "" {
				pc := cfg.Plugins
				if plugins.Dir != "" {
					pc.Dir = plugins.Dir
				}
				pc.AllowUnverified = pc.AllowUnverified || plugins.AllowUnverified
				pdets, err := plugin.Load(cmd.Context(), &pc, &plugin.Options{Logger: env.Logger})
				if err != nil {
					return fmt.Errorf("load plugins: %w", err)
				}
				defer func() {
					for _, d := range pdets {
						if c, ok := d.(io.Closer); ok {
							c.Close()
						}
					}
				}()
				dets = append(dets, pdets...)
			}
			stderr := cmd.ErrOrStderr()
			opts := &replay.Options{Workers: workers}
			if env != nil {
				opts.Logger = env.Logger
			}
			bar := progressBar(stderr, size)
			if bar != nil {
				opts.Progress = func(n int64) { _ = bar.Set64(n) }
			}
			sum, err := replay.Analyze(cmd.Context(), replay.NewReader(in, f), dets, cmd.OutOrStdout(), opts)
			if bar != nil {
				_ = bar.Finish()
			}
			if sum != nil {
				if werr := sum.WriteText(stderr); werr != nil && err == nil {
					err = werr
				}
			}
			return err
		},
	}
	flags.register(cmd.Flags())
	cmd.Flags().StringVar(&input, "input", "", "file of recorded events, one JSON object per line, or - for stdin (required)")
	cmd.Flags().StringVar(&format, "input-format", string(replay.FormatSplicewatch), "input format: splicewatch or tracee")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel evaluation workers (default: number of CPUs)")
	cmd.Flags().StringVar(&configPath, "config", "", "YAML configuration `file` (rules, signatures and plugins settings)")
	cmd.Flags().StringVar(&plugins.Dir, "plugins", "", "folder of signature plugin binaries")
	cmd.Flags().BoolVar(&plugins.AllowUnverified, "allow-unverified-plugins", false, "run plugins whose checksum is not on the allow list (logs a warning)")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

// openInput opens the --input file, or stdin for "-", and returns its
// size when known (-1 otherwise).
func openInput(cmd *cobra.Command, name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(cmd.InOrStdin()), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("open input: %w", err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// progressBar returns a progress bar on w when w is a terminal, else nil.
func progressBar(w io.Writer, size int64) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("analyze"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
