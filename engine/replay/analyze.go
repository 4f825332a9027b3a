package replay

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"sync"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
)

// BatchDetector is a detector that evaluates many events per call, such
// as the Rego detector; Analyze feeds it whole batches.
type BatchDetector interface {
	EvaluateBatch(ctx context.Context, evs []*event.Event, emit func(*event.Finding)) error
}

// Options configure Analyze. A nil *Options gives the defaults.
type Options struct {
	// Workers evaluate events in parallel; events of one process always go
	// to the same worker, in order. Default: GOMAXPROCS.
	Workers int
	// Chunk is how many events are read before they are evaluated.
	// Default: 4096.
	Chunk int
	// OnLineError receives each rejected line. Default: logged to Logger.
	OnLineError func(*LineError)
	// Logger receives rejected lines and detector errors. Default:
	// slog.Default().
	Logger *slog.Logger
	// Progress, when set, is called with the input bytes consumed so far.
	Progress func(bytesRead int64)
}

// Summary counts what Analyze did.
type Summary struct {
	Events         int            `json:"events"`
	Rejected       int            `json:"rejected"`
	Findings       map[string]int `json:"findings"`
	DetectorErrors int            `json:"detector_errors"`
}

// WriteText writes the summary for people, as analyze prints it on stderr.
func (s *Summary) WriteText(w io.Writer) error {
	total := 0
	ids := make([]string, 0, len(s.Findings))
	for id, n := range s.Findings {
		ids = append(ids, id)
		total += n
	}
	sort.Strings(ids)
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "events read: %d\nlines rejected: %d\nfindings: %d\n", s.Events, s.Rejected, total)
	for _, id := range ids {
		fmt.Fprintf(b, "  %-16s %d\n", id, s.Findings[id])
	}
	if s.DetectorErrors > 0 {
		fmt.Fprintf(b, "detector errors: %d\n", s.DetectorErrors)
	}
	return b.Flush()
}

// Analyze reads every event from r, evaluates it with dets and writes each
// finding to out as one JSON line, in input order. It returns when the
// input ends, or with ctx's error when ctx is done.
func Analyze(ctx context.Context, r *Reader, dets []engine.Detector, out io.Writer, opts *Options) (*Summary, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers < 1 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Chunk < 1 {
		o.Chunk = 4096
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.OnLineError == nil {
		o.OnLineError = func(e *LineError) { o.Logger.Warn("rejected input line", "line", e.Line, "error", e.Err) }
	}
	a := &analyzer{opts: &o, dets: dets, sum: &Summary{Findings: map[string]int{}}}
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	lines := make([]Line, 0, o.Chunk)
	flush := func() error {
		for _, f := range a.evaluate(ctx, a.decode(r, lines)) {
			a.sum.Findings[f.Rule.ID]++
			if err := enc.Encode(f); err != nil {
				return fmt.Errorf("write finding: %w", err)
			}
		}
		lines = lines[:0]
		if o.Progress != nil {
			o.Progress(r.BytesRead())
		}
		return ctx.Err()
	}
	for {
		line, err := r.NextLine()
		var lineErr *LineError
		switch {
		case errors.As(err, &lineErr):
			a.sum.Rejected++
			o.OnLineError(lineErr)
			continue
		case errors.Is(err, io.EOF):
			if err := flush(); err != nil {
				return a.sum, err
			}
			if err := bw.Flush(); err != nil {
				return a.sum, fmt.Errorf("write findings: %w", err)
			}
			return a.sum, nil
		case err != nil:
			return a.sum, err
		}
		// The reader reuses no buffers, so lines can wait for the chunk.
		lines = append(lines, line)
		if len(lines) == o.Chunk {
			if err := flush(); err != nil {
				return a.sum, err
			}
		}
	}
}

// decode decodes a chunk of lines on the workers and returns the events
// in input order, reporting the lines that do not decode.
func (a *analyzer) decode(r *Reader, lines []Line) []*event.Event {
	evs := make([]*event.Event, len(lines))
	errs := make([]*LineError, len(lines))
	per := (len(lines) + a.opts.Workers - 1) / a.opts.Workers
	var wg sync.WaitGroup
	for start := 0; start < len(lines); start += per {
		end := min(start+per, len(lines))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := start; i < end; i++ {
				ev, err := r.Decode(lines[i])
				if err != nil {
					errors.As(err, &errs[i])
					continue
				}
				evs[i] = ev
			}
		}()
	}
	wg.Wait()
	out := evs[:0]
	for i, ev := range evs {
		if errs[i] != nil {
			a.sum.Rejected++
			a.opts.OnLineError(errs[i])
			continue
		}
		out = append(out, ev)
	}
	a.sum.Events += len(out)
	return out
}

// maxErrorLogs bounds the detector errors logged in one run; the summary
// counts them all.
const maxErrorLogs = 20

type analyzer struct {
	opts *Options
	dets []engine.Detector
	sum  *Summary
	mu   sync.Mutex // guards sum.DetectorErrors during a chunk
}

// found is a finding with the position that orders it in the output.
type found struct {
	seq, det, n int
	f           *event.Finding
}

// evaluate runs one chunk over the workers, sharded by pid, and returns
// its findings in input order.
func (a *analyzer) evaluate(ctx context.Context, evs []*event.Event) []*event.Finding {
	if len(evs) == 0 {
		return nil
	}
	seq := make(map[*event.Event]int, len(evs))
	shards := make([][]*event.Event, a.opts.Workers)
	for i, ev := range evs {
		seq[ev] = i
		w := int(ev.Process.PID) % len(shards)
		shards[w] = append(shards[w], ev)
	}
	results := make([][]found, len(shards))
	var wg sync.WaitGroup
	for w, shard := range shards {
		if len(shard) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = a.evalShard(ctx, shard, seq)
		}()
	}
	wg.Wait()
	var all []found
	for _, r := range results {
		all = append(all, r...)
	}
	sort.Slice(all, func(i, j int) bool {
		x, y := all[i], all[j]
		if x.seq != y.seq {
			return x.seq < y.seq
		}
		if x.det != y.det {
			return x.det < y.det
		}
		return x.n < y.n
	})
	out := make([]*event.Finding, len(all))
	for i, f := range all {
		out[i] = f.f
	}
	return out
}

func (a *analyzer) evalShard(ctx context.Context, shard []*event.Event, seq map[*event.Event]int) []found {
	var (
		mu  sync.Mutex // asynchronous detectors (plugins) emit from their own goroutines
		res []found
	)
	for d, det := range a.dets {
		emit := func(f *event.Finding) {
			mu.Lock()
			res = append(res, found{seq: seq[f.Event], det: d, n: len(res), f: f})
			mu.Unlock()
		}
		sel := selected(det, shard)
		if len(sel) == 0 {
			continue
		}
		if bd, ok := det.(BatchDetector); ok {
			a.check(det, bd.EvaluateBatch(ctx, sel, emit))
			continue
		}
		for _, ev := range sel {
			a.check(det, det.Evaluate(ctx, ev, emit))
		}
	}
	// Wait for asynchronous detectors' findings on this chunk.
	for _, det := range a.dets {
		if f, ok := det.(engine.Flusher); ok {
			a.check(det, f.Flush(ctx))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return res
}

func (a *analyzer) check(det engine.Detector, err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	a.sum.DetectorErrors++
	n := a.sum.DetectorErrors
	a.mu.Unlock()
	if n <= maxErrorLogs {
		a.opts.Logger.Error("detector failed", "detector", det.Name(), "error", err)
	}
}

// selected returns the events of shard that det selects.
func selected(det engine.Detector, shard []*event.Event) []*event.Event {
	names := map[string]bool{}
	for _, n := range det.Events() {
		names[n] = true
	}
	var out []*event.Event
	for _, ev := range shard {
		if names[ev.Name] {
			out = append(out, ev)
		}
	}
	return out
}
