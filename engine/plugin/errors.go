package plugin

import "errors"

// Errors callers can branch on with errors.Is.
var (
	// ErrUnsafePath means the plugin folder or a binary is writable by group
	// or others, owned by someone other than root or the running user, or
	// not a plain file or folder.
	ErrUnsafePath = errors.New("unsafe plugin path")
	// ErrNotAllowed means a plugin is not on the allow list and unverified
	// plugins are not allowed.
	ErrNotAllowed = errors.New("plugin not on the allow list")
	// ErrChecksum means a plugin binary's SHA-256 differs from its allow-list
	// entry.
	ErrChecksum = errors.New("plugin checksum mismatch")
	// ErrUnavailable means the plugin process is down (crashed, hung, being
	// restarted); the event was dropped and counted.
	ErrUnavailable = errors.New("plugin unavailable")
	// ErrClosed means the plugin has been closed.
	ErrClosed = errors.New("plugin closed")
)
