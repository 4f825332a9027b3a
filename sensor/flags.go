package sensor

import "strconv"

// SPLICE_F_* flags (include/linux/splice.h).
var spliceFlags = [...]struct {
	bit  uint64
	name string
}{
	{0x01, "SPLICE_F_MOVE"},
	{0x02, "SPLICE_F_NONBLOCK"},
	{0x04, "SPLICE_F_MORE"},
	{0x08, "SPLICE_F_GIFT"},
}

// spliceFlagNames names the bits set in flags. Bits the kernel does not
// define (the call fails with EINVAL) are reported as "0x..." so that they
// stay visible to rules.
func spliceFlagNames(flags uint64) []any {
	names := make([]any, 0, 2)
	for _, f := range spliceFlags {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, "0x"+strconv.FormatUint(flags, 16))
	}
	return names
}
