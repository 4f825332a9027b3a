package trigger

import "runtime"

// runtimeKeepAlive keeps a buffer whose address was passed to the kernel as
// a plain integer alive until the call returned.
func runtimeKeepAlive(v any) { runtime.KeepAlive(v) }
