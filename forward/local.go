package forward

import (
	"fmt"
	"io"

	"gopkg.in/natefinch/lumberjack.v2"
)

// localWriter writes JSON lines to stdout or to a size-rotated file.
type localWriter struct {
	w      io.Writer
	closer io.Closer
	enc    encoder
}

func newLocalWriter(cfg *OutputConfig, env *outputEnv) (*localWriter, error) {
	enc, err := newEncoder(cfg.Format, env.version)
	if err != nil {
		return nil, err
	}
	lw := &localWriter{w: env.stdout, enc: enc}
	if cfg.Path != "" {
		size := cfg.MaxSizeMB
		if size <= 0 {
			size = 100
		}
		lj := &lumberjack.Logger{Filename: cfg.Path, MaxSize: size, MaxBackups: cfg.MaxBackups}
		lw.w, lw.closer = lj, lj
	}
	return lw, nil
}

func (lw *localWriter) close() error {
	if lw.closer == nil {
		return nil
	}
	if err := lw.closer.Close(); err != nil {
		return fmt.Errorf("close file: %w", err)
	}
	return nil
}

// writeLocal writes findings as they come, one write per burst.
func (o *output) writeLocal() {
	defer close(o.persisted)
	var buf []byte
	for f := range o.in {
		batch := o.drain(f, 256)
		buf = buf[:0]
		n := 0
		for _, f := range batch {
			raw, err := marshalFinding(f)
			if err == nil && o.cfg.Format != "splicewatch" {
				raw, err = o.local.enc(&item{raw: raw, f: f})
			}
			if err != nil {
				o.log.Error("cannot encode finding", "error", err)
				o.drop("error", 1)
				continue
			}
			buf = append(append(buf, raw...), '\n')
			n++
		}
		if _, err := o.local.w.Write(buf); err != nil {
			o.log.Error("cannot write findings", "error", err)
			o.drop("error", n)
			continue
		}
		o.env.m.delivered.WithLabelValues(o.cfg.Name).Add(float64(n))
	}
}
