package features

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText writes the report as an aligned, human-readable table, ending
// with the mode auto picks.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "kernel\t%s (%s)%s\n", r.Kernel, r.Machine, map[bool]string{true: "", false: ", not root"}[r.Root])
	rows := []struct {
		name string
		c    Check
	}{
		{"btf", r.BTF},
		{"tracefs", r.Tracefs},
		{"tracepoints", r.Tracepoints},
		{"kprobes", r.Kprobes},
		{"fentry", r.Fentry},
		{"bpf lsm", r.BPFLSM},
		{"ringbuf", r.RingBuf},
		{"typed reads", r.TypedReads},
		{"32-bit calls", r.IA32},
		{"lockdown " + r.Lockdown.Mode, r.Lockdown.Check},
		{"kallsyms", r.Kallsyms},
	}
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", row.name, yesNo(row.c.Available), row.c.Reason)
	}
	fmt.Fprintf(tw, "\nhook\tbtf\tkallsyms\n")
	for _, h := range r.Hooks {
		note := ""
		if h.Required {
			note = "required"
		}
		if len(h.Variants) > 0 {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("variants %v", h.Variants)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Name, yesNo(h.BTF), yesNo(h.Kallsyms), note)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	mode := string(r.Auto.Mode)
	if mode == "" {
		mode = "none"
	}
	if _, err := fmt.Fprintf(w, "\nauto mode: %s: %s\n", mode, r.Auto.Reason); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
