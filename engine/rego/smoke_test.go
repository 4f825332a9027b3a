package rego

import (
	"context"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

func TestSmoke(t *testing.T) {
	d := mustLoad(t, &Options{Sources: packSources()})
	t.Logf("%+v", d.Info())
	var c collect
	if err := d.EvaluateBatch(context.Background(), []*event.Event{vmsplice(1, -32, 1), splice(2), vmsplice(3, 0, 0)}, c.emit); err != nil {
		t.Fatal(err)
	}
	for _, f := range c.fs {
		t.Logf("%s %v", f.Rule.ID, f.Data)
	}
}
