package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/rules"
)

// ruleEnv is what the rule commands take from the rest of the CLI. A nil
// *ruleEnv, or nil fields, give the defaults.
type ruleEnv struct {
	// Config returns the YAML config's rule settings, visible to rules as
	// data.splicewatch.config. Default: none.
	Config func() map[string]any
	// Logger receives rule failures. Default: slog.Default().
	Logger *slog.Logger
	// Registerer receives the Rego detector's metrics. Default: none.
	Registerer prometheus.Registerer
	// Timeout bounds each rule query. Default: rego.DefaultTimeout.
	Timeout time.Duration
}

func (e *ruleEnv) config() map[string]any {
	if e == nil || e.Config == nil {
		return nil
	}
	return e.Config()
}

// embeddedName names the embedded pack's files in errors and listings.
const embeddedName = "embedded"

// exitCodeError carries the process exit status a command wants: 2 for a
// rule set that does not compile, 1 for failed tests.
type exitCodeError struct {
	code int
	err  error
}

// Error returns the underlying error's message.
func (e *exitCodeError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *exitCodeError) Unwrap() error { return e.err }

// ExitCode is the status main should exit with.
func (e *exitCodeError) ExitCode() int { return e.code }

// compileExit maps a rule set that does not compile to exit status 2.
func compileExit(err error) error {
	var errs rego.Errors
	if errors.As(err, &errs) {
		return &exitCodeError{code: 2, err: err}
	}
	return err
}

// ruleFlags are the rule-set flags of run, analyze and rules list.
type ruleFlags struct {
	dirs      []string
	noDefault bool
}

// register adds --rules and --no-default-rules to fs.
func (f *ruleFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.dirs, "rules", nil, "directory of .rego rules to add to the embedded pack (repeatable)")
	fs.BoolVar(&f.noDefault, "no-default-rules", false, "do not load the embedded rule pack")
}

// sources returns the rule directories the flags name, after the embedded
// pack unless --no-default-rules.
func (f *ruleFlags) sources() []rego.Source {
	var srcs []rego.Source
	if !f.noDefault {
		srcs = append(srcs, rego.Source{Name: embeddedName, FS: rules.FS()})
	}
	for _, d := range f.dirs {
		srcs = append(srcs, rego.DirSource(d))
	}
	return srcs
}

// Load compiles the rule set the flags select. run calls it at start and
// again on SIGHUP: on success it passes the result to engine.Replace, on
// error it logs the error and keeps the running set.
func (f *ruleFlags) Load(ctx context.Context, env *ruleEnv) (*rego.Detector, error) {
	o := &rego.Options{
		Sources: f.sources(),
		Library: libSources(),
		Config:  env.config(),
	}
	if env != nil {
		o.Logger, o.Registerer, o.Timeout = env.Logger, env.Registerer, env.Timeout
	}
	return rego.Load(ctx, o)
}

// libSources is splicewatch.lib (and tracee.helpers), available to every
// rule set even without the embedded pack.
func libSources() []rego.Source {
	return []rego.Source{{Name: embeddedName + "/lib", FS: rules.Lib()}}
}

// dirSources returns the directories given as arguments, or the embedded
// pack when there are none.
func dirSources(args []string) []rego.Source {
	if len(args) == 0 {
		return []rego.Source{{Name: embeddedName, FS: rules.FS()}}
	}
	srcs := make([]rego.Source, len(args))
	for i, d := range args {
		srcs[i] = rego.DirSource(d)
	}
	return srcs
}

// newRulesCmd returns `splicewatch rules` with list, check and test.
func newRulesCmd(env *ruleEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List, check and test Rego rules",
	}
	cmd.AddCommand(newRulesListCmd(env), newRulesCheckCmd(env), newRulesTestCmd(env))
	return cmd
}

func newRulesListCmd(env *ruleEnv) *cobra.Command {
	var flags ruleFlags
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the loaded rules: id, name, severity, selected events, source file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return &exitCodeError{code: 2, err: fmt.Errorf("unknown output format %q (want table or json)", output)}
			}
			det, err := flags.Load(cmd.Context(), env)
			if err != nil {
				return compileExit(err)
			}
			if output == "json" {
				return writeRulesJSON(cmd.OutOrStdout(), det.Info())
			}
			return writeRulesTable(cmd.OutOrStdout(), det.Info())
		},
	}
	flags.register(cmd.Flags())
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func writeRulesJSON(w io.Writer, infos []rego.RuleInfo) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if infos == nil {
		infos = []rego.RuleInfo{}
	}
	if err := enc.Encode(infos); err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	return nil
}

func writeRulesTable(w io.Writer, infos []rego.RuleInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tEVENTS\tFILE")
	for _, r := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Severity, strings.Join(r.Events, ","), r.File)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	return nil
}

func newRulesCheckCmd(env *ruleEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "check [DIR...]",
		Short: "Compile rules; errors name file:line:column and exit with status 2",
		RunE: func(cmd *cobra.Command, args []string) error {
			det, err := rego.Load(cmd.Context(), &rego.Options{Sources: dirSources(args), Library: libSources(), Config: env.config()})
			if err != nil {
				return compileExit(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d rules ok\n", len(det.Info()))
			return nil
		},
	}
}

func newRulesTestCmd(env *ruleEnv) *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the test_* rules of *_test.rego files, like opa test",
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := rego.RunTests(cmd.Context(), &rego.TestOptions{Sources: dirSources(args), Library: libSources(), Config: env.config()})
			if err != nil {
				return compileExit(err)
			}
			return writeTestResults(cmd.OutOrStdout(), res, verbose)
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing tests too")
	return cmd
}

// writeTestResults prints one line per failing test (every test with
// verbose) and a closing count; failures give exit status 1.
func writeTestResults(w io.Writer, res []rego.TestResult, verbose bool) error {
	var pass, fail, skip int
	for _, r := range res {
		status := "PASS"
		switch {
		case r.Skip:
			status = "SKIP"
			skip++
		case r.Pass:
			pass++
		default:
			status = "FAIL"
			fail++
		}
		if verbose || status == "FAIL" {
			fmt.Fprintf(w, "%s: %s (%s) %s\n", status, r.Name, r.Location, r.Duration.Round(time.Microsecond))
			if r.Error != "" {
				fmt.Fprintf(w, "  error: %s\n", r.Error)
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed", pass, fail)
	if skip > 0 {
		fmt.Fprintf(w, ", %d skipped", skip)
	}
	fmt.Fprintln(w)
	if len(res) == 0 {
		return &exitCodeError{code: 1, err: errors.New("no tests found")}
	}
	if fail > 0 {
		return &exitCodeError{code: 1, err: fmt.Errorf("%d of %d rule tests failed", fail, len(res))}
	}
	return nil
}
