// Package plugin runs Go signature plugins: separate processes, served with
// sdk.Serve, that splicewatch talks to over gRPC through
// hashicorp/go-plugin. Each plugin binary becomes one engine.Detector.
//
// Load starts every plugin in the configured folder. A plugin runs only when
// its SHA-256 is on the allow list (checked by go-plugin's SecureConfig at
// every start) or unverified plugins are allowed explicitly. The folder and
// the binaries must be owned by root or the running user and must not be
// writable by group or others. When splicewatch runs as root, plugins run as
// an unprivileged user with no capabilities.
//
// Events reach a plugin in batches over one gRPC stream, only for the event
// names its signatures select. Evaluate only queues the event: findings are
// emitted later, from the plugin's own goroutine, so the emit function given
// to Evaluate must be safe to call from another goroutine after Evaluate
// has returned. Flush waits until every queued event has been answered.
//
// A plugin cannot stop the sensor. A crashed plugin is restarted with
// exponential backoff; a plugin that does not answer within the timeout is
// killed and restarted; malformed findings are rejected; findings beyond the
// rate limit are dropped. Every fault is counted in metrics and logged.
// While a plugin is down its events are dropped and counted, and Evaluate
// returns ErrUnavailable.
package plugin
