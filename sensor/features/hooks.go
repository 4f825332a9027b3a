package features

// hookNames returns the kernel functions to look up for an architecture
// (uname -m), and which of them the kprobe and fentry modes require.
func hookNames(machine string) (required, optional []string) {
	internal := []string{
		"do_splice", "vmsplice_to_pipe", "vmsplice_to_user",
		"do_sendfile", "do_tee", "link_pipe",
	}
	switch machine {
	case "x86_64":
		required = []string{"__x64_sys_vmsplice", "__x64_sys_splice", "__x64_sys_tee", "__x64_sys_sendfile64"}
		optional = []string{
			"__ia32_sys_vmsplice", "__ia32_sys_splice", "__ia32_sys_tee",
			"__ia32_sys_sendfile", "__ia32_sys_sendfile64",
			"__ia32_compat_sys_sendfile", "__ia32_compat_sys_sendfile64",
		}
	case "aarch64":
		required = []string{"__arm64_sys_vmsplice", "__arm64_sys_splice", "__arm64_sys_tee", "__arm64_sys_sendfile64"}
		optional = []string{"__arm64_compat_sys_sendfile"}
	}
	return required, append(optional, internal...)
}

// newHooks lists the hooks for machine, required ones first.
func newHooks(machine string) []Hook {
	required, optional := hookNames(machine)
	hooks := make([]Hook, 0, len(required)+len(optional))
	for _, n := range required {
		hooks = append(hooks, Hook{Name: n, Required: true})
	}
	for _, n := range optional {
		hooks = append(hooks, Hook{Name: n})
	}
	return hooks
}

// firstRequired returns the first required hook for which ok is true.
func firstRequired(hooks []Hook, ok func(Hook) bool) string {
	for _, h := range hooks {
		if h.Required && ok(h) {
			return h.Name
		}
	}
	return ""
}
