package plugin

import (
	"io"
	"log"
	"log/slog"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/time/rate"
)

// pluginLogger returns the logger go-plugin writes the plugin's stderr and
// its own messages to: d's logger, at most 20 lines a second (burst 100),
// so that a plugin cannot flood the sensor's log.
func (d *Detector) pluginLogger() hclog.Logger {
	out := slog.NewLogLogger(d.log.Handler(), slog.LevelInfo).Writer()
	lim := &limitedWriter{next: out, lim: rate.NewLimiter(rate.Every(time.Second/20), 100)}
	return hclog.FromStandardLogger(log.New(lim, "", 0), &hclog.LoggerOptions{Name: d.name, Level: hclog.Info})
}

// limitedWriter drops writes beyond its rate.
type limitedWriter struct {
	next io.Writer
	lim  *rate.Limiter
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if !w.lim.Allow() {
		return len(p), nil
	}
	return w.next.Write(p)
}
