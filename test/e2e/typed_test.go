package e2e

import (
	"context"
	"testing"

	"github.com/splicewatch/splicewatch/sensor/features"
)

// TestTypedReads checks that the programs use direct loads of kernel
// fields wherever the kernel offers bpf_rdonly_cast (6.2+): the sensor
// falls back to probe reads if the verifier refuses them, which would be
// correct but slower, so the fallback must not happen silently on the
// kernels we test.
func TestTypedReads(t *testing.T) {
	p := startPipeline(t, nil)
	r, err := features.Probe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel %s: typed reads available=%v (%s), used=%v", r.Kernel, r.TypedReads.Available,
		r.TypedReads.Reason, p.sensor.TypedReads())
	if r.TypedReads.Available != p.sensor.TypedReads() {
		t.Errorf("typed reads available=%v but used=%v", r.TypedReads.Available, p.sensor.TypedReads())
	}
}
