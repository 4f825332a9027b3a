// Command splicewatch is the splicewatch sensor and detection engine.
//
// This package only wires the other packages together: flags and
// configuration in, sensor → engine → outputs, exit codes out.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes (a documented contract).
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError marks errors caused by bad flags, arguments or configuration.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(execute(os.Args[1:]))
}

func execute(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "splicewatch:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return exitRuntime
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "splicewatch",
		Short:         "eBPF sensor and detection engine for vmsplice, splice, tee and sendfile",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	env := &ruleEnv{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	root.AddCommand(
		newRunCmd(),
		newAnalyzeCmd(env),
		newRulesCmd(env),
		newVersionCmd(),
		newDoctorCmd(),
		newEventsCmd(),
	)
	return root
}
