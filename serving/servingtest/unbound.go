// Package servingtest runs the real DNS software the serving tests feed the
// scorer from: an unbound on loopback that answers every name from a local
// zone and logs its clients' queries over dnstap, and dig to query it.
package servingtest

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Paths of the Debian tools the helpers run. `make tools` (or `apt-get
// install unbound dnsutils`) installs them.
const (
	// UnboundPath is the unbound DNS server (Debian package unbound).
	UnboundPath = "/usr/sbin/unbound"
	// CheckconfPath checks an unbound configuration (package unbound).
	CheckconfPath = "/usr/sbin/unbound-checkconf"
	// DigPath is the DNS lookup tool (package dnsutils, or bind9-dnsutils).
	DigPath = "/usr/bin/dig"
)

// Unbound is an unbound process on 127.0.0.1 started by StartUnbound. It
// needs no root, no network and no trust anchor: it answers NXDOMAIN for
// every name but those given local data, and sends dnstap of its client
// queries and responses to a unix socket.
type Unbound struct {
	// Port is the UDP and TCP port it answers on, on 127.0.0.1.
	Port int
	// Conf is the path of its configuration file.
	Conf string
	// Socket is the dnstap socket it sends to.
	Socket string

	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{}
	err    error // cmd.Wait's, set before exited is closed
}

// RequireTools fails the test unless unbound, unbound-checkconf and dig
// are installed. It never skips: the serving tests need them.
func RequireTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{UnboundPath, CheckconfPath, DigPath} {
		if _, err := os.Stat(tool); err != nil {
			tb.Fatalf("%s is missing (%v): `make tools` or `apt-get install unbound dnsutils` installs it", tool, err)
		}
	}
}

// StartUnbound writes an unbound configuration into dir, checks it with
// unbound-checkconf, starts `unbound -d -c` on a free loopback port with
// dnstap to dnstapSocket, and returns once it answers a query (NXDOMAIN).
// The receiver should be listening on dnstapSocket already; StartUnbound
// waits up to 10 s for the socket to appear, since unbound connects at
// start and only retries after a back-off. Cleanup stops unbound with
// SIGTERM (SIGKILL after 5 s) and, if the test failed, logs its output.
// localData are records it answers, in unbound's local-data form (a zone
// file line, e.g. `t.example. 60 IN TXT "a" "b"`).
func StartUnbound(tb testing.TB, dir, dnstapSocket string, localData ...string) *Unbound {
	tb.Helper()
	RequireTools(tb)
	waitSocket(tb, dnstapSocket, 10*time.Second)
	u := &Unbound{Port: FreePort(tb), Conf: filepath.Join(dir, "unbound.conf"), Socket: dnstapSocket,
		out: &lockedBuffer{}, exited: make(chan struct{})}
	if err := os.WriteFile(u.Conf, []byte(UnboundConf(dir, dnstapSocket, u.Port, localData...)), 0o644); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command(CheckconfPath, u.Conf).CombinedOutput(); err != nil {
		tb.Fatalf("unbound-checkconf %s: %v\n%s", u.Conf, err, out)
	}
	u.cmd = exec.Command(UnboundPath, "-d", "-c", u.Conf)
	u.cmd.Stdout, u.cmd.Stderr = u.out, u.out
	if err := u.cmd.Start(); err != nil {
		tb.Fatalf("start unbound: %v", err)
	}
	go func() {
		u.err = u.cmd.Wait()
		close(u.exited)
	}()
	tb.Cleanup(func() {
		u.stop()
		if tb.Failed() {
			tb.Logf("unbound output:\n%s", u.Output())
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(u.dig("warmup.example"), "status: NXDOMAIN") {
		select {
		case <-u.exited:
			tb.Fatalf("unbound exited: %v\n%s", u.err, u.Output())
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("unbound does not answer on 127.0.0.1:%d after 10s\n%s", u.Port, u.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return u
}

// stop ends unbound: SIGTERM, then SIGKILL if it has not exited in 5 s.
func (u *Unbound) stop() {
	select {
	case <-u.exited:
		return
	default:
	}
	u.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-u.exited:
	case <-time.After(5 * time.Second):
		u.cmd.Process.Kill()
		<-u.exited
	}
}

// Output is what unbound has written to stdout and stderr so far.
func (u *Unbound) Output() string { return u.out.String() }

// Dig queries unbound for the A record of name with dig (one try, one
// second) and returns dig's output, in which "status: NXDOMAIN" says
// unbound answered. The test fails only if dig cannot be run; an
// unanswered query is for the caller to judge from the output.
func (u *Unbound) Dig(tb testing.TB, name string) string {
	tb.Helper()
	return u.DigType(tb, name, "A")
}

// DigType is Dig for another query type ("TXT", ...).
func (u *Unbound) DigType(tb testing.TB, name, qtype string) string {
	tb.Helper()
	out, err := u.digErr(name, qtype)
	if err != nil {
		if _, exit := err.(*exec.ExitError); !exit {
			tb.Fatalf("dig %s: %v", name, err)
		}
	}
	return out
}

func (u *Unbound) dig(name string) string {
	out, _ := u.digErr(name, "A")
	return out
}

func (u *Unbound) digErr(name, qtype string) (string, error) {
	out, err := exec.Command(DigPath, "@127.0.0.1", "-p", fmt.Sprint(u.Port), name, qtype, "+tries=1", "+time=1").CombinedOutput()
	return string(out), err
}

// waitSocket waits until path is a unix socket.
func waitSocket(tb testing.TB, path string, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		st, err := os.Stat(path)
		if err == nil && st.Mode().Type() == fs.ModeSocket {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("dnstap socket %s not there after %v (start the receiver before unbound): %v", path, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// FreePort returns a port free right now for both UDP and TCP on 127.0.0.1.
func FreePort(tb testing.TB) int {
	tb.Helper()
	for range 20 {
		u, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		port := u.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		u.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	tb.Fatal("no port free for both UDP and TCP on 127.0.0.1")
	return 0
}

// UnboundConf is the configuration StartUnbound writes: an unbound that
// runs in the foreground as the current user with dir as its directory,
// listens on 127.0.0.1:port, answers from a static local zone (NXDOMAIN
// for every name without localData), and logs client queries and responses
// over bidirectional dnstap to sock.
func UnboundConf(dir, sock string, port int, localData ...string) string {
	var local strings.Builder
	for _, rr := range localData {
		fmt.Fprintf(&local, "\tlocal-data: '%s'\n", rr)
	}
	return fmt.Sprintf(`server:
	verbosity: 1
	do-daemonize: no
	username: ""
	chroot: ""
	directory: %[1]q
	pidfile: %[4]q
	logfile: ""
	use-syslog: no
	interface: 127.0.0.1
	port: %[3]d
	do-ip4: yes
	do-ip6: no
	do-udp: yes
	do-tcp: yes
	num-threads: 1
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	local-zone: "." static
%[5]sremote-control:
	control-enable: no
dnstap:
	dnstap-enable: yes
	dnstap-bidirectional: yes
	dnstap-socket-path: %[2]q
	dnstap-send-identity: yes
	dnstap-send-version: yes
	dnstap-log-client-query-messages: yes
	dnstap-log-client-response-messages: yes
`, dir, sock, port, filepath.Join(dir, "unbound.pid"), local.String())
}

// lockedBuffer is a bytes.Buffer a process writes to while a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
