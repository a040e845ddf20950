package registrytest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/internal/netfault"
)

// PrivateServer is a PostgreSQL server of one test's own, in a temporary
// directory on a free loopback port, that the test may stop and start
// again (same data directory, same port) to play an outage. Tests that
// only need a database use NewDatabase on the shared server instead.
//
// It is tuned for speed without giving up what an outage test relies on:
// fsync and full-page writes are off (data written before a stop, even an
// immediate one, is still there after a start, as long as the machine
// itself does not crash), synchronous_commit stays on (a committed
// transaction is in the WAL before the commit returns).
type PrivateServer struct {
	tb    testing.TB
	bin   string   // directory of initdb, pg_ctl
	runAs []string // runuser -u postgres -- when running as root
	dir   string   // holds data/ and server.log
	port  int
	tls   *PrivateTLS

	mu      sync.Mutex
	running bool
}

// pgCtlTimeout is how long pg_ctl waits for a start or stop (generous: a
// loaded two-core machine may take a while to replay WAL).
const pgCtlTimeout = 120 * time.Second

// PrivateTLS makes a private server speak TLS only: it serves CertPEM
// (with the key KeyPEM) and refuses connections without TLS, as a
// production server with `hostssl` lines alone in pg_hba.conf does.
type PrivateTLS struct {
	CertPEM, KeyPEM []byte
}

// PrivateOption configures StartPrivateServer.
type PrivateOption func(*PrivateServer)

// WithTLS makes the server speak TLS only, with t's certificate.
func WithTLS(t PrivateTLS) PrivateOption {
	return func(s *PrivateServer) { s.tls = &t }
}

// StartPrivateServer creates a fresh cluster (initdb, trust authentication,
// user postgres) and starts it; it is stopped and its directory removed
// when the test ends. It uses Debian's server binaries
// (/usr/lib/postgresql/*/bin) or those on PATH, and fails saying how to
// install them when there are none. As root, the server runs as the
// postgres user, as PostgreSQL requires.
func StartPrivateServer(tb testing.TB, opts ...PrivateOption) *PrivateServer {
	tb.Helper()
	bin, err := serverBinaries()
	if err != nil {
		tb.Fatal(err)
	}
	s := &PrivateServer{tb: tb, bin: bin}
	for _, o := range opts {
		o(s)
	}
	if os.Geteuid() == 0 {
		s.runAs = []string{"runuser", "-u", "postgres", "--"}
	}
	s.dir, err = os.MkdirTemp("", "mlctl-pg-")
	if err != nil {
		tb.Fatalf("private PostgreSQL: %v", err)
	}
	tb.Cleanup(s.cleanup)
	if err := s.chownToPostgres(s.dir); err != nil {
		tb.Fatalf("private PostgreSQL: %v", err)
	}
	if out, err := s.command("initdb", "-D", s.dataDir(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C").CombinedOutput(); err != nil {
		tb.Fatalf("private PostgreSQL: initdb: %v\n%s", err, out)
	}
	if err := s.configureTLS(); err != nil {
		tb.Fatalf("private PostgreSQL: %v", err)
	}
	// A free port can be taken between our probe and the server's bind:
	// try a few.
	for attempt := 0; ; attempt++ {
		s.port, err = netfault.FreePort()
		if err != nil {
			tb.Fatalf("private PostgreSQL: %v", err)
		}
		if err := s.configure(); err != nil {
			tb.Fatalf("private PostgreSQL: %v", err)
		}
		err = s.start()
		if err == nil {
			break
		}
		if attempt == 2 {
			tb.Fatalf("private PostgreSQL: %v", err)
		}
	}
	return s
}

// URL is the connection string of the server's postgres database (with
// sslmode=require on a TLS server: encrypted, the certificate unchecked).
func (s *PrivateServer) URL() string {
	return s.DatabaseURL("postgres")
}

// DatabaseURL is the connection string of database name on this server.
func (s *PrivateServer) DatabaseURL(name string) string {
	mode := "disable"
	if s.tls != nil {
		mode = "require"
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=%s", s.port, name, mode)
}

// Port is the loopback port the server listens on, the same across stops
// and starts.
func (s *PrivateServer) Port() int { return s.port }

// NewDatabase creates an empty database on this server and returns its URL
// (like the package's NewDatabase does on the shared server). It goes away
// with the server.
func (s *PrivateServer) NewDatabase(name string) string {
	s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		s.tb.Fatalf("private PostgreSQL: connect: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		s.tb.Fatalf("private PostgreSQL: create database %s: %v", name, err)
	}
	return s.DatabaseURL(name)
}

// Stop shuts the server down the way an operator would (pg_ctl stop -m
// fast: open connections are cut, a checkpoint is written) and returns once
// it no longer accepts connections.
func (s *PrivateServer) Stop() { s.stop("fast") }

// Crash stops the server as a crash would (pg_ctl stop -m immediate: no
// checkpoint; the next start replays the WAL).
func (s *PrivateServer) Crash() { s.stop("immediate") }

// Start starts a stopped server again on the same data directory and port
// and returns once it accepts connections.
func (s *PrivateServer) Start() {
	s.tb.Helper()
	if err := s.start(); err != nil {
		s.tb.Fatalf("private PostgreSQL: %v", err)
	}
}

// Log is the server's log so far (for a failing test's message).
func (s *PrivateServer) Log() string {
	b, _ := os.ReadFile(s.logFile())
	return string(b)
}

func (s *PrivateServer) stop(mode string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		s.tb.Fatalf("private PostgreSQL: stop of a server that is not running")
	}
	out, err := s.command("pg_ctl", "stop", "-D", s.dataDir(), "-m", mode, "-w", "-t", strconv.Itoa(int(pgCtlTimeout.Seconds()))).CombinedOutput()
	if err != nil {
		s.tb.Fatalf("private PostgreSQL: pg_ctl stop -m %s: %v\n%s\nserver log:\n%s", mode, err, out, s.Log())
	}
	s.running = false
}

func (s *PrivateServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return fmt.Errorf("start of a server that is already running")
	}
	out, err := s.command("pg_ctl", "start", "-D", s.dataDir(), "-l", s.logFile(), "-w", "-t", strconv.Itoa(int(pgCtlTimeout.Seconds()))).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start on port %d: %v\n%s\nserver log:\n%s", s.port, err, out, s.Log())
	}
	s.running = true
	return nil
}

// configure writes the settings (port, loopback only, no Unix socket,
// fast durability trade-offs) to postgresql.auto.conf, which the server
// reads after postgresql.conf.
func (s *PrivateServer) configure() error {
	conf := fmt.Sprintf(`port = %d
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
log_min_messages = warning
`, s.port)
	if s.tls != nil {
		conf += "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
	}
	p := filepath.Join(s.dataDir(), "postgresql.auto.conf")
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		return err
	}
	return s.chownToPostgres(p)
}

// ReloadTLS replaces the certificate of a server started WithTLS and has
// it reload its configuration (pg_ctl reload): new connections get the new
// certificate, as after an operator's rotation, once the server has
// handled the signal, which takes a moment after ReloadTLS returns.
func (s *PrivateServer) ReloadTLS(t PrivateTLS) {
	s.tb.Helper()
	if s.tls == nil {
		s.tb.Fatal("private PostgreSQL: ReloadTLS on a server started without WithTLS")
	}
	s.tls = &t
	if err := s.configureTLS(); err != nil {
		s.tb.Fatalf("private PostgreSQL: %v", err)
	}
	if out, err := s.command("pg_ctl", "reload", "-D", s.dataDir()).CombinedOutput(); err != nil {
		s.tb.Fatalf("private PostgreSQL: pg_ctl reload: %v\n%s", err, out)
	}
}

// configureTLS writes the certificate and key into the data directory
// (the key readable by the server's user alone, as PostgreSQL demands) and
// a pg_hba.conf that lets TCP connections in over TLS only.
func (s *PrivateServer) configureTLS() error {
	if s.tls == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		b    []byte
		mode os.FileMode
	}{
		{"server.crt", s.tls.CertPEM, 0o644},
		{"server.key", s.tls.KeyPEM, 0o600},
		{"pg_hba.conf", []byte(`local all all trust
hostnossl all all 0.0.0.0/0 reject
hostnossl all all ::/0 reject
hostssl all all 127.0.0.1/32 trust
hostssl all all ::1/128 trust
`), 0o600},
	} {
		p := filepath.Join(s.dataDir(), f.name)
		if err := os.WriteFile(p, f.b, f.mode); err != nil {
			return err
		}
		if err := s.chownToPostgres(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *PrivateServer) cleanup() {
	s.mu.Lock()
	running := s.running
	s.mu.Unlock()
	if running {
		s.command("pg_ctl", "stop", "-D", s.dataDir(), "-m", "immediate", "-w").Run()
	}
	os.RemoveAll(s.dir)
}

func (s *PrivateServer) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *PrivateServer) logFile() string { return filepath.Join(s.dir, "server.log") }

// command runs one of the server binaries, as postgres when we are root.
func (s *PrivateServer) command(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, s.runAs...), filepath.Join(s.bin, name)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	return cmd
}

// chownToPostgres gives path to the postgres user when we are root (the
// server refuses to run as root, and needs to own its data directory).
func (s *PrivateServer) chownToPostgres(path string) error {
	if s.runAs == nil {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root, the server must run as the postgres user, which does not exist (apt-get install postgresql creates it): %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// serverBinaries finds the directory of initdb and pg_ctl: the newest
// Debian /usr/lib/postgresql/N/bin, else PATH.
func serverBinaries() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) < pgMajor(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
				return dirs[i], nil
			}
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH: install them with `apt-get install postgresql`")
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(strings.Split(filepath.Base(filepath.Dir(binDir)), ".")[0])
	return n
}
