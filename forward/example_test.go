package forward_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/forward"
)

// A CLI embeds forward.Config in its configuration, builds one Forwarder,
// hands it every finding and closes it on shutdown.
func ExampleNew() {
	// Network outputs would also need queue_dir (see docs/outputs.md).
	const conf = `
outputs:
  - type: stdout
    format: falcosidekick
    min_severity: high
`
	var cfg forward.Config
	dec := yaml.NewDecoder(strings.NewReader(conf))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		log.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	fw, err := forward.New(ctx, &cfg, &forward.Options{
		Logger:     slog.Default(),
		Registerer: prometheus.NewRegistry(),
		Stdout:     os.Stdout,
		Version:    "1.0.0",
	})
	if err != nil {
		log.Fatal(err) // a configuration error: exit code 2
	}
	ev := &event.Event{Name: event.NameVmsplice, Time: time.Unix(1767323045, 0).UTC(), Host: "node-1",
		Process: event.Process{PID: 4242, Comm: "poc"}}
	rule := event.Rule{ID: "SPW-001", Name: "Kernel address in vmsplice iovec", Severity: event.SeverityHigh,
		Description: "iov_base points into kernel space"}
	fw.Send(event.NewFinding(rule, ev, nil))

	flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := fw.Close(flush); err != nil {
		log.Print(err)
	}
	// Output:
	// {"output":"2026-01-02T03:04:05Z: Error Kernel address in vmsplice iovec: iov_base points into kernel space (rule=SPW-001 severity=high host=node-1 comm=poc pid=4242 uid=0 event=vmsplice)","priority":"Error","rule":"Kernel address in vmsplice iovec","time":"2026-01-02T03:04:05Z","output_fields":{"container.id":"","evt.type":"vmsplice","proc.exepath":"","proc.name":"poc","proc.pid":4242,"proc.ppid":0,"splicewatch.finding_id":"dc6890066ca5dcfd582871dbf15df2f1","splicewatch.rule_id":"SPW-001","user.uid":0},"source":"splicewatch","tags":[],"hostname":"node-1"}
}
