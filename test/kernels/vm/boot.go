package vm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Config describes one boot.
type Config struct {
	// Kernel is the bzImage (vmlinuz) to boot, Initrd the initramfs.
	Kernel, Initrd string
	// Token is the random token /init prints in its markers.
	Token string
	// Runs names the runs /init performs, in order.
	Runs []string
	// Append is added to the kernel command line.
	Append string
	// MemoryMiB defaults to 1024.
	MemoryMiB int
	// Timeout bounds the whole boot; 0 means 5 minutes.
	Timeout time.Duration
	// Console receives every console line as it arrives; nil discards them.
	Console io.Writer
	// QEMU is the emulator binary; "" means qemu-system-x86_64.
	QEMU string
	// Now is the clock used for timings; nil means time.Now.
	Now func() time.Time
}

// Run is the outcome of one run inside the guest.
type Run struct {
	Name string
	// Finished is true when /init printed the run's RESULT line; Exit is the
	// status it printed, or -1.
	Finished bool
	Exit     int
	// Elapsed is host time from starting qemu to the RESULT line; Guest is
	// the guest's uptime spent on the run.
	Elapsed, Guest time.Duration
}

// Passed reports whether the run finished with status 0.
func (r Run) Passed() bool { return r.Finished && r.Exit == 0 }

// Result is what one boot produced.
type Result struct {
	// Booted is host time from starting qemu to /init's BOOTED line (0 if
	// never), BootedGuest the guest uptime then.
	Booted, BootedGuest time.Duration
	// Total is host time until qemu exited or was killed.
	Total time.Duration
	Done  bool
	Runs  []Run
	// TimedOut is set when the timeout killed qemu; Panic holds the first
	// kernel panic line seen.
	TimedOut bool
	Panic    string
	// Exit is qemu's own error, if it did not exit cleanly; Stderr its
	// standard error (truncated).
	Exit   error
	Stderr string
}

// Passed reports whether every run finished with status 0.
func (r *Result) Passed() bool {
	for _, run := range r.Runs {
		if !run.Passed() {
			return false
		}
	}
	return len(r.Runs) > 0
}

// Args returns qemu's command line for cfg, without the binary. TCG only:
// KVM hangs on this project's machines.
func (cfg *Config) Args() []string {
	mem := cfg.MemoryMiB
	if mem <= 0 {
		mem = 1024
	}
	cmdline := strings.TrimSpace("console=ttyS0 panic=-1 quiet " + cfg.Append)
	return []string{
		"-accel", "tcg", "-cpu", "max", "-m", strconv.Itoa(mem), "-smp", "1",
		"-kernel", cfg.Kernel, "-initrd", cfg.Initrd, "-append", cmdline,
		"-nographic", "-no-reboot", "-net", "none",
	}
}

// Boot starts qemu, follows the console until /init is done, the guest
// powers off or the timeout expires, and returns what happened. The error is
// non-nil only when qemu could not be started.
func Boot(ctx context.Context, cfg *Config) (*Result, error) {
	now, timeout, bin := cfg.Now, cfg.Timeout, cfg.QEMU
	if now == nil {
		now = time.Now
	}
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	if bin == "" {
		bin = "qemu-system-x86_64"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, bin, cfg.Args()...)
	cmd.WaitDelay = 3 * time.Second
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("qemu stdout: %w", err)
	}
	start := now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}

	res := &Result{Runs: make([]Run, len(cfg.Runs))}
	for i, name := range cfg.Runs {
		res.Runs[i] = Run{Name: name, Exit: -1}
	}
	rest := follow(stdout, cfg, res, start, now)
	go io.Copy(io.Discard, rest) // the power-off messages after DONE
	// /init powers off after DONE; give qemu a moment, then stop it.
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case res.Exit = <-waited:
	case <-time.After(10 * time.Second):
		cancel()
		res.Exit = <-waited
	}
	res.Total = now().Sub(start)
	res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	res.Stderr = stderr.String()
	return res, nil
}

// follow reads console lines until EOF or DONE, filling in res, and returns
// the reader holding what is left.
func follow(r io.Reader, cfg *Config, res *Result, start time.Time, now func() time.Time) io.Reader {
	br := bufio.NewReaderSize(r, 64*1024)
	var runStart time.Duration
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			text := string(bytes.TrimRight(line, "\r\n"))
			if cfg.Console != nil {
				fmt.Fprintln(cfg.Console, text)
			}
			if res.Panic == "" && strings.Contains(text, "Kernel panic") {
				res.Panic = text
			}
			if m, ok := ParseMarker(text, cfg.Token); ok {
				switch m.Kind {
				case MarkBooted:
					res.Booted, res.BootedGuest = now().Sub(start), m.Uptime
				case MarkStart:
					runStart = m.Uptime
				case MarkResult:
					for i := range res.Runs {
						if r := &res.Runs[i]; r.Name == m.Run && !r.Finished {
							r.Finished, r.Exit, r.Elapsed = true, m.Exit, now().Sub(start)
							r.Guest = m.Uptime - runStart
							break
						}
					}
				case MarkDone:
					res.Done = true
				}
			}
		}
		if res.Done || (err != nil && !errors.Is(err, bufio.ErrBufferFull)) {
			return br
		}
	}
}

// limitedBuffer keeps the first 64 KiB written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64*1024 - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
