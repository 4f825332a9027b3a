package sensor

import (
	"testing"

	"github.com/cilium/ebpf"
)

func TestWakeupPerCPU(t *testing.T) {
	cpus, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		wakeup, ring int
		want         uint64
	}{
		{"threshold below the cap", 1024, 1 << 30, 1024},
		{"capped by the ring", 1 << 30, 16 << 20, uint64(16<<20) / uint64(4*cpus)},
		{"never zero", 0, 4096, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wakeupPerCPU(tc.wakeup, tc.ring); got != tc.want {
				t.Errorf("wakeupPerCPU(%d, %d) = %d, want %d", tc.wakeup, tc.ring, got, tc.want)
			}
		})
	}
}
