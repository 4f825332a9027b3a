package debkernel

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// BootOptions are the config options the matrix's initramfs boot needs built
// in: serial console, initramfs unpacking, devtmpfs, ELF and #! execution.
// The matrix loads no modules, so a "=m" here is a failure.
func BootOptions(gzip bool) []string {
	opts := []string{
		"CONFIG_SERIAL_8250", "CONFIG_SERIAL_8250_CONSOLE", "CONFIG_BLK_DEV_INITRD",
		"CONFIG_DEVTMPFS", "CONFIG_BINFMT_ELF", "CONFIG_BINFMT_SCRIPT", "CONFIG_PROC_FS",
		"CONFIG_SYSFS", "CONFIG_TMPFS", "CONFIG_BPF_SYSCALL",
	}
	if gzip {
		opts = append(opts, "CONFIG_RD_GZIP")
	}
	return opts
}

// CheckBuiltIn returns an error naming every option of want that the kernel
// config file at path does not set to y.
func CheckBuiltIn(path string, want []string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kernel config: %w", err)
	}
	defer f.Close()
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && strings.HasPrefix(k, "CONFIG_") {
			got[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("kernel config %s: %w", path, err)
	}
	var bad []string
	for _, o := range want {
		switch v := got[o]; v {
		case "y":
		case "":
			bad = append(bad, o+" unset")
		default:
			bad = append(bad, o+"="+v)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("kernel config %s: need built in: %s", path, strings.Join(bad, ", "))
	}
	return nil
}
