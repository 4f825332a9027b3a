# tracee.helpers: the helper functions Tracee's legacy Rego signatures
# import (data.tracee.helpers), so that they load unchanged. Rego v0 syntax,
# like the signatures themselves.
package tracee.helpers

# get_tracee_argument returns the value of the event argument named
# arg_name; it is undefined when the event has no such argument.
get_tracee_argument(arg_name) = res {
	arg := input.args[_]
	arg.name == arg_name
	res := arg.value
}

# is_elf_file holds for a file header beginning with the ELF magic, given
# base64-encoded as Tracee passes it.
is_elf_file(fileMagic) {
	startswith(base64.decode(fileMagic), "\u007fELF")
}
