package protocol

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Names and versions every host and plugin agree on.
const (
	// PluginName is the name the signature service is dispensed under.
	PluginName = "signatures"
	// Version is the protocol version. It changes when a message changes
	// meaning; host and plugin negotiate it during the handshake.
	Version = 1
	// cookieKey and cookieValue make a plugin binary refuse to run when
	// started by hand or by another go-plugin host. They are not a secret.
	cookieKey   = "SPLICEWATCH_PLUGIN"
	cookieValue = "spw-sig-7c1e4a90d25b4f3b9e8d"
)

// Evaluator is the interface a plugin process serves. sdk.Serve implements
// it on top of sdk.Signature values.
type Evaluator interface {
	// Describe lists the signatures in a fixed order. Findings refer to a
	// signature by its index in this list.
	Describe(ctx context.Context) ([]*SignatureInfo, error)
	// Evaluate answers one batch of events.
	Evaluate(ctx context.Context, batch *EventBatch) (*FindingBatch, error)
	// Close releases the signatures' resources.
	Close(ctx context.Context) error
}

// Handshake returns the go-plugin handshake shared by host and plugins.
func Handshake() plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  Version,
		MagicCookieKey:   cookieKey,
		MagicCookieValue: cookieValue,
	}
}

// Plugins returns the versioned plugin map. A host passes a nil impl.
func Plugins(impl Evaluator) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		Version: {PluginName: &GRPCPlugin{Impl: impl}},
	}
}

// GRPCPlugin binds an Evaluator to go-plugin's gRPC transport.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	// Impl is the plugin-side implementation; nil on the host.
	Impl Evaluator
}

// GRPCServer registers the plugin-side shim.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	RegisterSignaturesServer(s, &server{impl: p.Impl})
	return nil
}

// GRPCClient returns the host-side shim, a *Client. ctx is go-plugin's:
// it ends when the plugin process exits, and so do the client's calls.
func (p *GRPCPlugin) GRPCClient(ctx context.Context, _ *plugin.GRPCBroker, cc *grpc.ClientConn) (any, error) {
	return &Client{stub: NewSignaturesClient(cc), plugin: ctx}, nil
}

// Serve runs impl as a plugin process until the host stops it. It is called
// from a plugin's main, usually through sdk.Serve.
func Serve(impl Evaluator) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake(),
		VersionedPlugins: Plugins(impl),
		GRPCServer:       plugin.DefaultGRPCServer,
	})
}
