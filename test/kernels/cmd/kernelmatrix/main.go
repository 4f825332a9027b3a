// Command kernelmatrix boots Debian kernels under qemu (TCG) and runs a
// static Go test binary inside each, once per attach mode, printing a
// PASS/FAIL line per kernel and mode and exiting 1 when any run fails.
//
//	kernelmatrix -binary e2e.test -modes fentry,kprobe,tracepoint -- -test.v
//
// Each run gets SPLICEWATCH_PROBE_MODE=<mode> plus every -env entry.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/splicewatch/splicewatch/test/kernels/debkernel"
	"github.com/splicewatch/splicewatch/test/kernels/initramfs"
	"github.com/splicewatch/splicewatch/test/kernels/vm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// listFlag collects a repeatable or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// multiFlag collects a repeatable flag whose values may contain commas.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

type options struct {
	kernels, modes   listFlag
	env, files       multiFlag
	vmlinuz, binary  string
	cacheDir, logDir string
	modeEnv, append  string
	timeout          time.Duration
	bootPerMode      bool
	noCompress       bool
	verbose          bool
	args             []string
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("kernelmatrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&o.kernels, "kernel", "Debian kernel package(s), comma-separated or repeated; meta packages are resolved (default linux-image-amd64)")
	fs.StringVar(&o.vmlinuz, "vmlinuz", "", "boot this kernel image instead of a Debian package")
	fs.StringVar(&o.binary, "binary", "", "static test binary to run in the guest (CGO_ENABLED=0 go test -c)")
	fs.Var(&o.modes, "modes", "attach modes, one run each (default fentry,kprobe,tracepoint)")
	fs.StringVar(&o.modeEnv, "mode-env", "SPLICEWATCH_PROBE_MODE", "environment variable carrying the mode")
	fs.Var(&o.env, "env", "KEY=VALUE added to every run's environment (repeatable)")
	fs.Var(&o.files, "file", "HOSTPATH=GUESTPATH copied under /work in the guest, the binary's working directory (repeatable)")
	fs.DurationVar(&o.timeout, "timeout", 4*time.Minute, "limit for one boot")
	fs.BoolVar(&o.bootPerMode, "boot-per-mode", false, "boot once per mode instead of once per kernel")
	fs.BoolVar(&o.noCompress, "no-compress", false, "pass an uncompressed initramfs")
	fs.StringVar(&o.append, "append", "", "extra kernel command line")
	fs.StringVar(&o.cacheDir, "cache", "", "kernel cache (default $XDG_CACHE_HOME/splicewatch/kernels)")
	fs.StringVar(&o.logDir, "logs", "", "where console logs go (default a new temporary directory)")
	fs.BoolVar(&o.verbose, "v", false, "copy the guest console to stdout")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.args = fs.Args()
	if o.binary == "" {
		return nil, errors.New("-binary is required")
	}
	if len(o.kernels) == 0 && o.vmlinuz == "" {
		o.kernels = listFlag{"linux-image-amd64"}
	}
	if len(o.modes) == 0 {
		o.modes = listFlag{"fentry", "kprobe", "tracepoint"}
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "kernelmatrix:", err)
		}
		return 2
	}
	if err := initramfs.CheckStatic(o.binary); err != nil {
		fmt.Fprintln(stderr, "kernelmatrix:", err)
		return 2
	}
	targets, err := kernels(ctx, o, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "kernelmatrix:", err)
		return 1
	}
	if o.logDir == "" {
		if o.logDir, err = os.MkdirTemp("", "kernelmatrix-"); err != nil {
			fmt.Fprintln(stderr, "kernelmatrix:", err)
			return 1
		}
	}
	passed, failed := 0, 0
	start := time.Now()
	for _, k := range targets {
		for i, modes := range o.plan() {
			p, f, err := boot(ctx, o, k, modes, fmt.Sprintf("%s-%d", k.name, i+1), stdout)
			passed, failed = passed+p, failed+f
			if err != nil {
				fmt.Fprintf(stderr, "kernelmatrix: %s: %s\n", k.name, err)
				failed += len(modes) - p - f
			}
		}
	}
	fmt.Fprintf(stdout, "kernelmatrix: matrix took %s; console logs in %s\n", time.Since(start).Round(100*time.Millisecond), o.logDir)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 || passed == 0 {
		return 1
	}
	return 0
}

// plan groups the modes into boots.
func (o *options) plan() [][]string {
	if !o.bootPerMode {
		return [][]string{o.modes}
	}
	var p [][]string
	for _, m := range o.modes {
		p = append(p, []string{m})
	}
	return p
}

// target is one kernel to boot.
type target struct{ name, vmlinuz string }

func kernels(ctx context.Context, o *options, stdout io.Writer) ([]target, error) {
	if o.vmlinuz != "" {
		return []target{{filepath.Base(o.vmlinuz), o.vmlinuz}}, nil
	}
	cache := o.cacheDir
	if cache == "" {
		var err error
		if cache, err = debkernel.DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	var ts []target
	for _, pkg := range o.kernels {
		t := time.Now()
		k, err := debkernel.Fetch(ctx, pkg, cache)
		if err != nil {
			return nil, err
		}
		if err := debkernel.CheckBuiltIn(k.Config, debkernel.BootOptions(!o.noCompress)); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "kernelmatrix: %s %s ready in %s (%s)\n", k.Package, k.Version, time.Since(t).Round(time.Millisecond), k.Vmlinuz)
		ts = append(ts, target{k.Package, k.Vmlinuz})
	}
	return ts, nil
}

// boot runs the given modes in one boot of kernel k and prints a line per mode.
func boot(ctx context.Context, o *options, k target, modes []string, label string, stdout io.Writer) (passed, failed int, err error) {
	token := randomToken()
	runs := make([]initramfs.Run, len(modes))
	for i, m := range modes {
		runs[i] = initramfs.Run{Name: m, Env: append([]string{o.modeEnv + "=" + m}, o.env...), Args: o.args}
	}
	files := map[string]string{}
	for _, f := range o.files {
		src, dst, ok := strings.Cut(f, "=")
		if !ok {
			return 0, 0, fmt.Errorf("-file %q: want HOSTPATH=GUESTPATH", f)
		}
		files[src] = dst
	}
	initrd := filepath.Join(o.logDir, label+".initramfs")
	t := time.Now()
	spec := &initramfs.Spec{Binary: o.binary, Files: files, Token: token, Runs: runs, NoCompress: o.noCompress}
	if err := initramfs.Build(ctx, spec, initrd); err != nil {
		return 0, 0, err
	}
	defer os.Remove(initrd)
	built := time.Since(t)

	logPath := filepath.Join(o.logDir, label+".console.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return 0, 0, fmt.Errorf("console log: %w", err)
	}
	defer logf.Close()
	var console io.Writer = logf
	if o.verbose {
		console = io.MultiWriter(logf, stdout)
	}
	res, err := vm.Boot(ctx, &vm.Config{Kernel: k.vmlinuz, Initrd: initrd, Token: token, Runs: modes,
		Append: o.append, Timeout: o.timeout, Console: console})
	if err != nil {
		return 0, 0, err
	}
	fmt.Fprintf(stdout, "kernelmatrix: %s: initramfs built in %s, booted to /init in %s (guest uptime %s), boot took %s\n",
		k.name, built.Round(time.Millisecond), res.Booted.Round(time.Millisecond),
		res.BootedGuest.Round(time.Millisecond), res.Total.Round(time.Millisecond))
	for _, r := range res.Runs {
		status := "PASS"
		if !r.Passed() {
			status, failed = "FAIL", failed+1
		} else {
			passed++
		}
		detail := fmt.Sprintf("exit=%d guest=%s result-after=%s", r.Exit, r.Guest.Round(time.Millisecond), r.Elapsed.Round(time.Millisecond))
		if !r.Finished {
			detail = "no result: " + why(res)
		}
		fmt.Fprintf(stdout, "%s %s mode=%s %s\n", status, k.name, r.Name, detail)
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "kernelmatrix: %s: console log %s\n", k.name, logPath)
	}
	return passed, failed, nil
}

// why explains a run that printed no result.
func why(res *vm.Result) string {
	switch {
	case res.Panic != "":
		return "kernel panic: " + res.Panic
	case res.TimedOut:
		return "timed out"
	case res.Booted == 0:
		return "the guest never reached /init: " + firstLine(res.Stderr)
	}
	return "the guest stopped before the run finished"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func randomToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
