package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/splicewatch/splicewatch/test/trigger"
)

// childEnv makes the test binary act as a trigger program instead of
// running tests: the end-to-end tests re-execute themselves, under another
// uid where the attack needs it, so the same binary works in the qemu
// kernel matrix where no other program is available.
const childEnv = "SPLICEWATCH_E2E_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runChild(mode string, args []string) int {
	switch mode {
	case "vmsplice":
		// One benign call, then exit at once: the sensor must still name
		// the executable.
		if _, err := trigger.BenignVmsplice(64); err != nil {
			fmt.Fprintln(os.Stderr, "vmsplice:", err)
			return 1
		}
		return 3
	case "dirtypipe":
		ret, err := trigger.DirtyPipe(args[len(args)-1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "dirtypipe:", err)
			return 1
		}
		fmt.Println(ret)
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", mode)
	return 2
}
