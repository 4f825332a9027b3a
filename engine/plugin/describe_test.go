package plugin

import (
	"errors"
	"testing"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

func TestCheckInfos(t *testing.T) {
	sig := func(id string, sev int32, events ...string) *protocol.SignatureInfo {
		return &protocol.SignatureInfo{Rule: &protocol.Rule{Id: id, Severity: sev}, Events: events}
	}
	first := []event.Rule{{ID: "A"}}
	tests := []struct {
		name  string
		known []event.Rule // from the first start
		infos []*protocol.SignatureInfo
		ok    bool
	}{
		{"valid", nil, []*protocol.SignatureInfo{sig("A", 4, "tee")}, true},
		{"no signatures", nil, nil, false},
		{"no id", nil, []*protocol.SignatureInfo{sig("", 1, "tee")}, false},
		{"no events", nil, []*protocol.SignatureInfo{sig("A", 1)}, false},
		{"severity too high", nil, []*protocol.SignatureInfo{sig("A", 5, "tee")}, false},
		{"negative severity", nil, []*protocol.SignatureInfo{sig("A", -1, "tee")}, false},
		{"same after restart", first, []*protocol.SignatureInfo{sig("A", 1, "tee")}, true},
		{"renamed after restart", first, []*protocol.SignatureInfo{sig("B", 1, "tee")}, false},
		{"more after restart", first, []*protocol.SignatureInfo{sig("A", 1, "tee"), sig("B", 1, "tee")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Detector{rules: tt.known}
			err := d.checkInfos(tt.infos)
			if tt.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tt.ok && !errors.Is(err, protocol.ErrMalformed) {
				t.Errorf("got %v, want ErrMalformed", err)
			}
		})
	}
}
