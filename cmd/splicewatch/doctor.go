package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf/rlimit"
	"github.com/spf13/cobra"

	"github.com/splicewatch/splicewatch/sensor/features"
)

// newDoctorCmd builds `splicewatch doctor`: it probes the running kernel,
// prints the report and the attach mode auto would pick, and fails (exit 1)
// when no mode works.
func newDoctorCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Report what the kernel offers the sensor and which attach mode auto picks",
		Long: "doctor loads and attaches trivial eBPF programs to find out, for real, whether this\n" +
			"kernel supports BTF, tracepoints, kprobes, fentry/fexit, the BPF LSM and the ring buffer,\n" +
			"where each hook function is found, and which --probe-mode auto would use. Run it as root.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: want text or json", output)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			// Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; without
			// this the trial loads fail there for the wrong reason.
			if err := rlimit.RemoveMemlock(); err != nil && os.Geteuid() == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "splicewatch doctor: %s\n", err)
			}
			r, err := features.Probe(ctx, nil)
			if err != nil {
				return fmt.Errorf("probe kernel: %w", err)
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				err = enc.Encode(r)
			} else {
				err = r.WriteText(out)
			}
			if err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			if r.Auto.Mode == "" {
				return errors.New("no attach mode works on this kernel: " + r.Auto.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
