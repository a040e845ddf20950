package dnslog

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving/servingtest"
)

// Debian's servers these tests run (`make nettools` installs them).
const (
	dnsmasqPath = "/usr/sbin/dnsmasq"
	namedPath   = "/usr/sbin/named"
)

func requireTool(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing (%v): `make nettools` or `apt-get install %s` installs it", path, err, pkg)
	}
}

// daemon is a DNS server process a test started.
type daemon struct {
	cmd  *exec.Cmd
	out  strings.Builder
	done chan error
}

func startDaemon(t *testing.T, path string, args ...string) *daemon {
	t.Helper()
	d := &daemon{cmd: exec.Command(path, args...), done: make(chan error, 1)}
	d.cmd.Stdout, d.cmd.Stderr = &d.out, &d.out
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", path, d.out.String())
		}
	})
	return d
}

// stop ends the daemon with SIGTERM (SIGKILL after 5 s): it writes its
// last log lines before it exits.
func (d *daemon) stop() {
	if d.cmd.ProcessState != nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
	}
}

// dig asks the server on port for name's qtype records and returns the
// status it answered.
func dig(t *testing.T, port int, name, qtype string) string {
	t.Helper()
	out, _ := exec.Command(servingtest.DigPath, "@127.0.0.1", "-p", fmt.Sprint(port), name, qtype, "+tries=1", "+time=1").CombinedOutput()
	m := regexp.MustCompile(`status: ([A-Z]+)`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// waitAnswers waits up to 10 s for the server on port to answer.
func waitAnswers(t *testing.T, port int, d *daemon) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for dig(t, port, "warmup.invalid", "A") == "" {
		select {
		case err := <-d.done:
			t.Fatalf("server exited: %v\n%s", err, d.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on 127.0.0.1:%d after 10s", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// asked is a query a test sent with dig and the status dig saw.
type asked struct{ name, qtype, status string }

// checkAnswered checks that every query asked is in recs, from 127.0.0.1,
// with the status dig saw in its response record (when wantReplies).
func checkAnswered(t *testing.T, recs []datasets.DNSRecord, qs []asked, wantReplies func(asked) bool, started time.Time) {
	t.Helper()
	for _, q := range qs {
		var query, reply *datasets.DNSRecord
		for i := range recs {
			r := &recs[i]
			if r.Name != q.name || r.QType != q.qtype {
				continue
			}
			if r.Response && reply == nil {
				reply = r
			} else if !r.Response && query == nil {
				query = r
			}
		}
		if query == nil {
			t.Errorf("%s %s: no query record", q.qtype, q.name)
			continue
		}
		if query.Client != "127.0.0.1" || query.Time.Before(started.Add(-2*time.Second)) || query.Time.After(time.Now().Add(2*time.Second)) {
			t.Errorf("%s %s: query %+v, want from 127.0.0.1 since %v", q.qtype, q.name, query, started)
		}
		if !wantReplies(q) {
			continue
		}
		if reply == nil || reply.RCode != q.status || reply.Client != "127.0.0.1" {
			t.Errorf("%s %s: response %+v, want rcode %s as dig saw", q.qtype, q.name, reply, q.status)
		}
	}
}

func runUser(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// TestDnsmasqDaemon runs a real dnsmasq with log-queries=extra, forwarding
// to a second dnsmasq, sends it queries with dig and reads its log with the
// dnsmasq preset: every query, and the rcode dig saw, come out.
func TestDnsmasqDaemon(t *testing.T) {
	requireTool(t, dnsmasqPath, "dnsmasq-base")
	requireTool(t, servingtest.DigPath, "dnsutils")
	dir := t.TempDir()
	up, port := servingtest.FreePort(t), servingtest.FreePort(t)
	common := []string{"--keep-in-foreground", "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", "--user=" + runUser(t)}
	upstream := startDaemon(t, dnsmasqPath, append(common, fmt.Sprintf("--port=%d", up), "--pid-file="+filepath.Join(dir, "up.pid"),
		"--log-facility="+filepath.Join(dir, "up.log"), "--address=/up.test/198.51.100.9", "--txt-record=t.up.test,v=spf1 -all", "--local=/nx.test/")...)
	waitAnswers(t, up, upstream)
	for _, mode := range []string{"extra", ""} {
		t.Run("log-queries="+mode, func(t *testing.T) {
			logFile := filepath.Join(dir, "dnsmasq"+mode+".log")
			lq := "--log-queries"
			if mode != "" {
				lq += "=" + mode
			}
			d := startDaemon(t, dnsmasqPath, append(common, fmt.Sprintf("--port=%d", port), "--pid-file="+filepath.Join(dir, "dnsmasq.pid"),
				lq, "--log-facility="+logFile, fmt.Sprintf("--server=127.0.0.1#%d", up))...)
			waitAnswers(t, port, d)
			started := time.Now()
			qs := []asked{{"www.up.test", "A", ""}, {"t.up.test", "TXT", ""}, {"gone.nx.test", "A", ""}, {"mail.up.test", "MX", ""}, {"x1.nx.test", "AAAA", ""}}
			for i := range qs {
				if qs[i].status = dig(t, port, qs[i].name, qs[i].qtype); qs[i].status == "" {
					t.Fatalf("dig %s: no answer", qs[i].name)
				}
			}
			d.stop()
			f, _, _ := Preset("dnsmasq")
			recs, bad, st, err := f.ReadFile(logFile)
			if err != nil || len(bad) > 0 {
				t.Fatalf("read: %v %v", err, bad)
			}
			checkAnswered(t, recs, qs, func(asked) bool { return true }, started)
			for _, r := range recs {
				if r.Response && r.Name == "t.up.test" && (len(r.Answers) != 1 || r.Answers[0] != "v=spf1 -all") {
					t.Errorf("TXT response %+v, want its text", r)
				}
			}
			if st.Unjoined > 0 || t.Failed() {
				data, _ := os.ReadFile(logFile)
				t.Errorf("%d replies not joined to their query; log:\n%s", st.Unjoined, data)
			}
		})
	}
}

// TestBINDDaemon runs a real BIND named with a query log channel (and the
// query-errors category), sends it queries with dig, and reads the log
// with the bind preset.
func TestBINDDaemon(t *testing.T) {
	requireTool(t, namedPath, "bind9")
	requireTool(t, servingtest.DigPath, "dnsutils")
	dir := t.TempDir()
	port := servingtest.FreePort(t)
	zone := "$TTL 60\n@ IN SOA ns.lab.test. admin.lab.test. 1 60 60 600 60\n@ IN NS ns.lab.test.\nns IN A 127.0.0.1\nwww IN A 192.0.2.10\nt IN TXT \"hello\"\n"
	if err := os.WriteFile(filepath.Join(dir, "lab.db"), []byte(zone), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "query.log")
	conf := fmt.Sprintf(`options {
  directory %[1]q;
  listen-on port %[2]d { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file %[3]q;
  session-keyfile %[4]q;
  managed-keys-directory %[1]q;
  recursion no;
  dnssec-validation no;
  querylog yes;
};
controls { };
logging {
  channel q { file %[5]q; print-time yes; print-category yes; print-severity yes; severity info; };
  category queries { q; };
  category query-errors { q; };
  category default { null; };
};
zone "lab.test" { type primary; file "lab.db"; };
`, dir, port, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"), logFile)
	confFile := filepath.Join(dir, "named.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-f", "-c", confFile}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "root")
	}
	d := startDaemon(t, namedPath, args...)
	waitAnswers(t, port, d)
	started := time.Now()
	qs := []asked{{"www.lab.test", "A", ""}, {"t.lab.test", "TXT", ""}, {"none.lab.test", "A", ""}, {"elsewhere.example", "A", ""}, {"_ldap._tcp.lab.test", "SRV", ""}}
	for i := range qs {
		if qs[i].status = dig(t, port, qs[i].name, qs[i].qtype); qs[i].status == "" {
			t.Fatalf("dig %s: no answer", qs[i].name)
		}
	}
	d.stop()
	f, _, _ := Preset("bind")
	recs, bad, _, err := f.ReadFile(logFile)
	if err != nil || len(bad) > 0 {
		t.Fatalf("read: %v %v", err, bad)
	}
	// BIND logs the code of failed queries only (query-errors): the
	// refused one here.
	checkAnswered(t, recs, qs, func(q asked) bool { return q.status == "REFUSED" }, started)
	if qs[3].status != "REFUSED" {
		t.Errorf("named answered %s for a name outside its zone, want REFUSED", qs[3].status)
	}
}
