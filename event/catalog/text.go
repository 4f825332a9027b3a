package catalog

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// textWidth is the line width of the terminal rendering.
const textWidth = 78

// WriteText renders the page for a terminal: the same content as the
// Markdown page, as wrapped plain text.
func (p *Page) WriteText(out io.Writer) error {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	section := func(title string) { w("\n%s\n", strings.ToUpper(title)) }
	para := func(indent, s string) { w("%s\n", wrap(plainText(s), indent, textWidth)) }

	w("%s - %s\n", p.Name, p.Summary)
	if p.Syscall != "" {
		w("\n  %s;\n", p.Syscall)
	}
	if p.Pending != "" {
		w("\n")
		para("  ", "Not emitted yet. "+p.Pending)
	}
	section("Purpose")
	for i, s := range paragraphs(p.Description) {
		if i > 0 {
			w("\n")
		}
		para("  ", s)
	}
	section("Arguments")
	for _, a := range flatArgs(p.Args) {
		tags := ""
		if len(a.Tags) > 0 {
			tags = " [" + tagList(&a) + "]"
		}
		w("  %s (%s)%s\n", a.Name, mdType(&a), tags)
		para("      ", a.Description)
	}
	legend := "Tags:"
	for _, l := range TagLegend {
		legend += fmt.Sprintf(" %s = %s;", l.Tag, l.Meaning)
	}
	w("\n")
	para("  ", legend+" none = a system call argument, from the registers at entry.")
	section("Hooks")
	if len(p.Hooks) == 0 {
		w("  None: the sensor emits this event from user space.\n")
	}
	for _, h := range p.Hooks {
		w("  %s (%s): %s\n", h.Mode, hookStatus(&h), strings.Join(h.Points, ", "))
		if h.Note != "" {
			para("      ", h.Note)
		}
	}
	section("Attacks it reveals")
	for _, a := range p.Attacks {
		w("  %s\n", a.Name)
		para("      ", a.Description)
	}
	if p.Benign != "" {
		w("  Legitimate use\n")
		para("      ", p.Benign)
	}
	w("\n  Shipped rules selecting %s:", p.Name)
	if len(p.Rules) == 0 {
		w(" none yet.")
	}
	w("\n")
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	for _, r := range p.Rules {
		fmt.Fprintf(tw, "    %s\t%s\n", r.ID, r.Name)
	}
	tw.Flush()
	section("Related events")
	for _, r := range p.Related {
		w("  %-12s %s\n", r.Name, r.Why)
	}
	if p.Example != nil {
		section("Example")
		w("%s\n", p.Example)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// WriteList writes one line per event: name and summary.
func WriteList(out io.Writer, events []Event) error {
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "EVENT\tSUMMARY")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\n", e.Name, e.Summary)
	}
	return tw.Flush()
}

// wrap fills s into lines of at most width columns, each starting with
// indent. A word longer than a line gets a line of its own.
func wrap(s, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line)
			b.WriteByte('\n')
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}
