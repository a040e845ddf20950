package servingtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TunnelRun is one real tunnel session made by deploy/tunnels/run.sh.
type TunnelRun struct {
	// Tool, Zone and Client are what ran, the tunnel's zone and the
	// client's address as unbound saw it.
	Tool, Zone, Client string
	// Start and End bound the session (Start is before the tunnel's
	// first query).
	Start, End time.Time
	// Output is what the script printed.
	Output string
}

// RequireTunnelTools fails the test unless the tunnel tools and root are
// there. It never skips: the tunnel tests need them.
func RequireTunnelTools(tb testing.TB) {
	tb.Helper()
	RequireTools(tb)
	if os.Geteuid() != 0 {
		tb.Fatal("the real tunnel tests need root (network namespaces and tun devices): run `make test` as root")
	}
	for _, tool := range []string{"/usr/sbin/iodine", "/usr/sbin/iodined", "/usr/bin/dns2tcpc", "/usr/bin/dns2tcpd", "/usr/sbin/ip"} {
		if _, err := os.Stat(tool); err != nil {
			tb.Fatalf("%s is missing (%v): `make nettools` or `apt-get install iodine dns2tcp iproute2` installs it", tool, err)
		}
	}
}

// RunTunnel runs deploy/tunnels/run.sh: a real tool (iodine or dns2tcp)
// session through a real unbound in network namespaces, sending bytes of
// data over seconds, with unbound's dnstap going to dnstapSocket (which
// must be listening). It fails the test when the script fails, with its
// output and logs.
func RunTunnel(tb testing.TB, tool, dnstapSocket string, seconds, bytes int) TunnelRun {
	tb.Helper()
	RequireTunnelTools(tb)
	script := filepath.Join(repoRoot(tb), "deploy", "tunnels", "run.sh")
	work := tb.TempDir()
	cmd := exec.Command(script, tool, dnstapSocket, fmt.Sprint(seconds), fmt.Sprint(bytes))
	cmd.Env = append(os.Environ(), "WORK="+work)
	out, err := cmd.CombinedOutput()
	if err != nil {
		logs, _ := exec.Command("sh", "-c", "tail -n 20 "+work+"/*.log").CombinedOutput()
		tb.Fatalf("%s %s: %v\n%s\nlogs:\n%s", script, tool, err, out, logs)
	}
	r := TunnelRun{Output: string(out)}
	for _, f := range strings.Fields(lastLine(string(out))) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "tool":
			r.Tool = v
		case "zone":
			r.Zone = v
		case "client":
			r.Client = v
		case "start", "end":
			var sec int64
			fmt.Sscan(v, &sec)
			if k == "start" {
				r.Start = time.Unix(sec, 0)
			} else {
				r.End = time.Unix(sec, 0)
			}
		}
	}
	if r.Zone == "" || r.Start.IsZero() {
		tb.Fatalf("%s: no summary line in its output:\n%s", script, out)
	}
	return r
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// repoRoot is the directory of go.mod above the test's directory.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
