package example

import (
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// spliceFGift is SPLICE_F_GIFT from <linux/splice.h>.
const spliceFGift = 0x08

// GiftedPages is EX-001: a vmsplice that gifts its pages to the pipe
// (SPLICE_F_GIFT). Few programs use the flag; historical vmsplice exploits
// did, so it is worth a low-severity look.
type GiftedPages struct{}

// Metadata implements sdk.Signature.
func (*GiftedPages) Metadata() sdk.Metadata {
	return sdk.Metadata{
		ID:          "EX-001",
		Name:        "vmsplice gifting pages",
		Severity:    event.SeverityLow,
		Description: "A process called vmsplice with SPLICE_F_GIFT, handing its pages to a pipe.",
		Tags:        []string{"vmsplice", "example"},
		Version:     "1.0.0",
	}
}

// Events implements sdk.Signature.
func (*GiftedPages) Events() []string { return []string{event.NameVmsplice} }

// OnEvent implements sdk.Signature.
func (*GiftedPages) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	flags, _ := ev.Args.Uint("flags")
	if flags&spliceFGift == 0 {
		return nil
	}
	fd, _ := ev.Args.Int("fd")
	segs, _ := ev.Args.Uint("nr_segs")
	emit(map[string]any{
		"fd":      fd,
		"nr_segs": segs,
		"flags":   flags,
		"comm":    ev.Process.Comm,
		"failed":  ev.Ret < 0,
	})
	return nil
}
