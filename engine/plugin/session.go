package plugin

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"slices"
	"sync"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk/protocol"
)

// session is one run of a plugin process.
type session struct {
	d      *Detector
	cmd    *exec.Cmd
	client *goplugin.Client
	rpc    *protocol.Client
	infos  []*protocol.SignatureInfo
}

// start launches the plugin process, completes the handshake (verifying the
// checksum when one is configured) and asks for its signatures.
func (d *Detector) start(ctx context.Context) (*session, error) {
	cmd := exec.Command(d.path)
	cmd.Dir = "/"
	attr := *d.attr
	cmd.SysProcAttr = &attr
	var secure *goplugin.SecureConfig
	if d.checksum != nil {
		// A fresh hash each time: SecureConfig does not reset it.
		secure = &goplugin.SecureConfig{Checksum: d.checksum, Hash: sha256.New()}
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  protocol.Handshake(),
		VersionedPlugins: protocol.Plugins(nil),
		Cmd:              cmd,
		SecureConfig:     secure,
		AutoMTLS:         true,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		SkipHostEnv:      true,
		StartTimeout:     d.cfg.Timeout,
		Logger:           d.plog,
	})
	s, err := d.handshake(ctx, cmd, client)
	if err != nil {
		client.Kill()
		return nil, err
	}
	// From here queued events will be served.
	d.up.Store(true)
	return s, nil
}

func (d *Detector) handshake(ctx context.Context, cmd *exec.Cmd, client *goplugin.Client) (*session, error) {
	conn, err := client.Client()
	if err != nil {
		return nil, startError(d.path, err)
	}
	raw, err := conn.Dispense(protocol.PluginName)
	if err != nil {
		return nil, startError(d.path, err)
	}
	rpc, ok := raw.(*protocol.Client)
	if !ok {
		return nil, fmt.Errorf("start plugin %s: unexpected client type %T", d.path, raw)
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	infos, err := rpc.Describe(ctx)
	if err != nil {
		return nil, fmt.Errorf("start plugin %s: %w", d.path, err)
	}
	if err := d.checkInfos(infos); err != nil {
		return nil, fmt.Errorf("start plugin %s: %w", d.path, err)
	}
	return &session{d: d, cmd: cmd, client: client, rpc: rpc, infos: infos}, nil
}

// checkInfos rejects an empty or invalid description, and one that differs
// from the first start's: the engine indexed the plugin by it.
func (d *Detector) checkInfos(infos []*protocol.SignatureInfo) error {
	if len(infos) == 0 {
		return fmt.Errorf("plugin serves no signatures: %w", protocol.ErrMalformed)
	}
	for i, info := range infos {
		if info.GetRule().GetId() == "" || len(info.GetEvents()) == 0 {
			return fmt.Errorf("signature %d has no id or selects no events: %w", i, protocol.ErrMalformed)
		}
		if sev := info.GetRule().GetSeverity(); sev < int32(event.SeverityInfo) || sev > int32(event.SeverityCritical) {
			return fmt.Errorf("signature %s has unknown severity %d: %w", info.GetRule().GetId(), sev, protocol.ErrMalformed)
		}
	}
	if d.rules == nil {
		return nil
	}
	if len(infos) != len(d.rules) {
		return fmt.Errorf("plugin now serves %d signatures, was %d: %w", len(infos), len(d.rules), protocol.ErrMalformed)
	}
	for i, info := range infos {
		if info.GetRule().GetId() != d.rules[i].ID {
			return fmt.Errorf("signature %d is now %s, was %s: %w", i, info.GetRule().GetId(), d.rules[i].ID, protocol.ErrMalformed)
		}
	}
	return nil
}

// failure is why a session ended.
type failure struct {
	kind string
	err  error
}

// run feeds queued events to the plugin until it fails or ctx is done. It
// returns nil after a graceful stop.
func (s *session) run(ctx context.Context) *failure {
	d := s.d
	defer d.up.Store(false)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := s.rpc.Stream(sctx)
	if err != nil {
		s.kill(true)
		return &failure{faultCrash, err}
	}
	fl := newInflight(4)
	fails := make(chan *failure, 3)
	var wg sync.WaitGroup
	wg.Go(func() { s.send(sctx, stream, fl, fails) })
	wg.Go(func() { s.recv(stream, fl, fails) })
	wg.Go(func() { s.watch(sctx, fl, fails) })

	var f *failure
	select {
	case f = <-fails:
	case <-ctx.Done():
	}
	d.up.Store(false)
	if f == nil {
		// Graceful stop: let the signatures close, then stop the process.
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.Timeout)
		if err := s.rpc.Close(cctx); err != nil {
			d.log.Warn("plugin close", "error", err)
		}
		ccancel()
	}
	cancel()
	s.kill(f != nil)
	wg.Wait()
	if lost := fl.drain(); lost > 0 {
		d.m.dropped.WithLabelValues(d.name, "lost").Add(float64(lost))
		d.answered.Add(uint64(lost))
	}
	return f
}

// kill stops the process through go-plugin, which asks it to shut down and
// kills it after two seconds. A failed plugin may not answer at all, so
// with force it is killed at once.
func (s *session) kill(force bool) {
	if p := s.cmd.Process; force && p != nil && !s.client.Exited() {
		_ = p.Kill()
	}
	s.client.Kill()
}

// send batches queued events and streams them, at most fl's window in flight.
func (s *session) send(ctx context.Context, stream protocol.Signatures_EvaluateClient, fl *inflight, fails chan<- *failure) {
	d := s.d
	var seq uint64
	for {
		var first item
		select {
		case first = <-d.in:
		case <-ctx.Done():
			return
		}
		items := []item{first}
	fill:
		for len(items) < d.cfg.BatchSize {
			select {
			case it := <-d.in:
				items = append(items, it)
			default:
				break fill
			}
		}
		msg := &protocol.EventBatch{Seq: seq, Events: make([]*protocol.Event, 0, len(items))}
		kept := items[:0]
		for _, it := range items {
			m, err := protocol.FromEvent(it.ev)
			if err != nil {
				d.fault(faultError, err)
				d.answered.Add(1)
				continue
			}
			msg.Events = append(msg.Events, m)
			kept = append(kept, it)
		}
		if len(kept) == 0 {
			continue
		}
		if !fl.push(ctx, &batch{seq: seq, items: slices.Clip(kept)}) {
			d.answered.Add(uint64(len(kept)))
			return
		}
		seq++
		if err := stream.Send(msg); err != nil {
			fails <- &failure{faultCrash, fmt.Errorf("send events: %w", err)}
			return
		}
	}
}

// recv matches each answer with the oldest batch in flight.
func (s *session) recv(stream protocol.Signatures_EvaluateClient, fl *inflight, fails chan<- *failure) {
	for {
		fb, err := stream.Recv()
		if err != nil {
			// After a graceful stop nobody reads fails any more.
			fails <- &failure{faultCrash, fmt.Errorf("receive findings: %w", err)}
			return
		}
		b := fl.head()
		if b == nil || fb.GetSeq() != b.seq {
			fails <- &failure{faultMalformed, fmt.Errorf("answer for batch %d out of order: %w", fb.GetSeq(), protocol.ErrMalformed)}
			return
		}
		s.d.deliver(b, fb)
		fl.pop()
	}
}
