package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// syncWriter serialises writes to one stream. Every writer hands it whole
// JSON lines, so events and findings never interleave mid-line on stdout.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func newSyncWriter(w io.Writer) *syncWriter { return &syncWriter{w: w} }

// Write writes p at once.
func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// jsonLines buffers JSON values, one per line, and writes only whole lines.
type jsonLines struct {
	mu  sync.Mutex
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONLines(w io.Writer) *jsonLines {
	j := &jsonLines{w: bufio.NewWriterSize(w, 64<<10)}
	j.enc = json.NewEncoder(&j.buf)
	return j
}

// write buffers v as one line.
func (j *jsonLines) write(v any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.buf.Reset()
	if err := j.enc.Encode(v); err != nil {
		return
	}
	if j.w.Available() < j.buf.Len() {
		_ = j.w.Flush()
	}
	_, _ = j.w.Write(j.buf.Bytes())
}

// flushEvery flushes buffered lines periodically until the returned stop
// function is called.
func (j *jsonLines) flushEvery(d time.Duration) (stop func()) {
	t := time.NewTicker(d)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				j.flush()
			case <-done:
				return
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

func (j *jsonLines) flush() {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = j.w.Flush()
}
