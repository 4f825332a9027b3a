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

// knownFlagNames holds the name lists of every combination of the defined
// flags, built once: events share them and must treat them as read-only.
var knownFlagNames = func() (t [16]any) {
	for v := range t {
		t[v] = buildFlagNames(uint64(v))
	}
	return t
}()

// spliceFlagNames names the bits set in flags, as a []any. Bits the kernel
// does not define (the call fails with EINVAL) are reported as "0x..." so
// that they stay visible to rules.
func spliceFlagNames(flags uint64) any {
	if flags < uint64(len(knownFlagNames)) {
		return knownFlagNames[flags]
	}
	return buildFlagNames(flags)
}

func buildFlagNames(flags uint64) []any {
	names := []any{}
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
