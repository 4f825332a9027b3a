// Package protocol is the wire contract between splicewatch and a signature
// plugin: the go-plugin handshake, the plugin map, the gRPC service
// generated from plugin.proto, the two thin shims around it (Client on the
// host side, the server behind Serve on the plugin side) and the
// conversions between event types and their messages.
//
// Plugin authors do not import this package; they call sdk.Serve. The host
// (package engine/plugin) uses Client. The protocol is versioned by
// Version: a host and a plugin only talk if they share a version.
//
// Conversions keep integers exact: an argument that is a uint64 in an
// event.Event is a uint64 on the wire and after decoding.
package protocol
