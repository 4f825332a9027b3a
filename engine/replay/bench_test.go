package replay

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"
)

// BenchmarkAnalyze measures analyze end to end on a recording of 20,000
// events (10% exploit-like vmsplice calls with three findings each): JSON
// decoding, evaluation by the shipped pack and SPW-001 on all cores, and
// writing the findings. One op is the whole recording.
func BenchmarkAnalyze(b *testing.B) {
	const n = 20000
	input := recording(b, n)
	dets := detectors(b)
	b.SetBytes(int64(len(input)))
	b.ResetTimer()
	for range b.N {
		if _, err := Analyze(context.Background(), NewReader(bytes.NewReader(input), FormatSplicewatch), dets, io.Discard,
			&Options{Logger: quiet, OnLineError: func(*LineError) {}, Workers: runtime.GOMAXPROCS(0)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
