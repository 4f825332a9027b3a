// Command sw-trigger issues exploit-shaped and benign zero-copy system
// calls, to check a running `splicewatch run` by hand.
//
//	sw-trigger kernel-iov [-segs 1024] [-bad 1000] [-read-end]
//	sw-trigger benign
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/splicewatch/splicewatch/test/trigger"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sw-trigger kernel-iov|benign [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "kernel-iov":
		fs := flag.NewFlagSet("kernel-iov", flag.ExitOnError)
		segs := fs.Int("segs", 1024, "number of iovec segments")
		bad := fs.Int("bad", 1000, "index of the kernel-space segment")
		readEnd := fs.Bool("read-end", false, "vmsplice to the pipe's read end")
		_ = fs.Parse(os.Args[2:])
		if *segs < 1 || *segs > 1024 || *bad < 0 || *bad >= *segs {
			fmt.Fprintln(os.Stderr, "sw-trigger: need 1 <= segs <= 1024 and 0 <= bad < segs")
			os.Exit(2)
		}
		ret, err := trigger.KernelSegment(*segs, *bad, *readEnd)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sw-trigger:", err)
			os.Exit(1)
		}
		fmt.Printf("vmsplice returned %d\n", ret)
	case "benign":
		if _, err := trigger.BenignVmsplice(64); err != nil {
			fmt.Fprintln(os.Stderr, "sw-trigger:", err)
			os.Exit(1)
		}
		dir, _ := os.MkdirTemp("", "sw-trigger")
		defer os.RemoveAll(dir)
		in, out, err := trigger.BenignSpliceFile(dir, 4096)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sw-trigger:", err)
			os.Exit(1)
		}
		fmt.Printf("benign vmsplice done; splice file->pipe %d, pipe->file %d\n", in, out)
	default:
		fmt.Fprintln(os.Stderr, "sw-trigger: unknown mode", os.Args[1])
		os.Exit(2)
	}
}
