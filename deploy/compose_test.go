package deploy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of the Compose specification deploy/compose.yaml
// uses; decoding is strict, so a misspelt key fails the test.
type composeFile struct {
	Name     string                    `yaml:"name"`
	XMlctl   yaml.Node                 `yaml:"x-mlctl"`
	Services map[string]composeService `yaml:"services"`
	Secrets  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
	Volumes map[string]any `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context    string            `yaml:"context"`
		Dockerfile string            `yaml:"dockerfile"`
		Args       map[string]string `yaml:"args"`
	} `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Secrets     []string          `yaml:"secrets"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	ReadOnly    bool              `yaml:"read_only"`
	Tmpfs       []string          `yaml:"tmpfs"`
	CapDrop     []string          `yaml:"cap_drop"`
	SecurityOpt []string          `yaml:"security_opt"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test        []string `yaml:"test"`
		Interval    string   `yaml:"interval"`
		Timeout     string   `yaml:"timeout"`
		Retries     int      `yaml:"retries"`
		StartPeriod string   `yaml:"start_period"`
	} `yaml:"healthcheck"`
	StopGracePeriod string   `yaml:"stop_grace_period"`
	Restart         string   `yaml:"restart"`
	Profiles        []string `yaml:"profiles"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(repoFile(t, "deploy/compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c composeFile
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	return c
}

// isMlctl says whether a service runs the mlctl image.
func (s composeService) isMlctl() bool { return strings.Contains(s.Image, "MLCTL_IMAGE") }

// TestComposeServices: the stack's services are there, in order
// (PostgreSQL healthy → migrate done → worker and scorer), each mlctl one
// hardened the same way, with the settings mlctl reads from its
// environment, a restart policy and, where there is something to ask, a
// healthcheck in exec form (the image has no shell).
func TestComposeServices(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"postgres", "temporal", "migrate", "worker", "serve"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("no service %q", name)
		}
	}
	dep := func(svc, on, cond string) {
		if got := c.Services[svc].DependsOn[on].Condition; got != cond {
			t.Errorf("%s depends on %s with condition %q, want %q", svc, on, got, cond)
		}
	}
	dep("migrate", "postgres", "service_healthy")
	dep("worker", "migrate", "service_completed_successfully")
	dep("worker", "temporal", "service_healthy")
	dep("serve", "migrate", "service_completed_successfully")

	for name, s := range c.Services {
		switch {
		case name == "migrate" || len(s.Profiles) > 0:
			if s.Restart != "no" {
				t.Errorf("%s: restart %q, want \"no\" (it runs once)", name, s.Restart)
			}
		case s.Restart != "unless-stopped" && s.Restart != "always":
			t.Errorf("%s: restart %q, want unless-stopped", name, s.Restart)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") && !strings.HasPrefix(p, "${MLCTL_HTTP_PUBLISH:-127.0.0.1:") {
				t.Errorf("%s: port %q is published beyond the host's loopback by default", name, p)
			}
		}
		if name != "migrate" && len(s.Profiles) == 0 && name != "worker" && s.Healthcheck == nil {
			t.Errorf("%s: no healthcheck", name)
		}
		if !s.isMlctl() {
			continue
		}
		if s.Build == nil || s.Build.Dockerfile != "Dockerfile" || s.Build.Context != ".." {
			t.Errorf("%s: not built from the repository's Dockerfile: %+v", name, s.Build)
		}
		if !s.ReadOnly || !slices.Equal(s.CapDrop, []string{"ALL"}) || !slices.Contains(s.SecurityOpt, "no-new-privileges:true") {
			t.Errorf("%s: want read_only, cap_drop [ALL] and no-new-privileges; got %v %v %v", name, s.ReadOnly, s.CapDrop, s.SecurityOpt)
		}
		db := s.Environment["MLCTL_DATABASE_URL"]
		if !strings.HasPrefix(db, "postgres://mlctl@postgres:5432/") {
			t.Errorf("%s: MLCTL_DATABASE_URL %q, want postgres://mlctl@postgres:5432/... (no password: it is in the passfile)", name, db)
		}
		if s.Environment["TEMPORAL_ADDRESS"] != "temporal:7233" {
			t.Errorf("%s: TEMPORAL_ADDRESS %q, want temporal:7233", name, s.Environment["TEMPORAL_ADDRESS"])
		}
		if h := s.Healthcheck; h != nil && (len(h.Test) < 2 || h.Test[0] != "CMD" || h.Test[1] != "/mlctl") {
			t.Errorf("%s: healthcheck %v, want [CMD /mlctl ...]: the image has no shell", name, h.Test)
		}
	}
	serve := c.Services["serve"]
	if !slices.Contains(serve.Volumes, "scorer-state:/var/lib/mlctl") {
		t.Errorf("serve: no volume on its state directory /var/lib/mlctl: %v", serve.Volumes)
	}
	tc := strings.Join(c.Services["temporal"].Command, " ")
	if !strings.HasPrefix(tc, "server start-dev --ip 0.0.0.0") || !strings.Contains(tc, "--ui-port 8233") {
		t.Errorf("temporal: command %q, want a dev server on 0.0.0.0 with its UI on 8233", tc)
	}
}

// TestComposeCommands: every mlctl command the stack runs (the services'
// and the healthchecks') parses with the mlctl built from this tree.
func TestComposeCommands(t *testing.T) {
	c := readCompose(t)
	n := 0
	for name, s := range c.Services {
		if !s.isMlctl() {
			continue
		}
		checkArgs(t, name, s.Command)
		n++
		if h := s.Healthcheck; h != nil && len(h.Test) > 2 {
			checkArgs(t, name+" healthcheck", h.Test[2:])
			n++
		}
	}
	if n < 5 {
		t.Errorf("checked %d mlctl commands, want migrate, worker, serve, its healthcheck and the CLI", n)
	}
}

// TestComposeSecrets: the scorer listens beyond loopback only with bearer
// tokens; every /run/secrets file a service names is a secret it mounts,
// declared from deploy/secrets/, which git and the image build leave out;
// and compose-secrets.sh makes them: a random password, the passfile line
// pgx reads for the scorer's URL, and a token file holding only the
// SHA-256 of the token it prints.
func TestComposeSecrets(t *testing.T) {
	c := readCompose(t)
	serve := strings.Join(c.Services["serve"].Command, " ")
	if !strings.Contains(serve, "--http 0.0.0.0:8080") || !strings.Contains(serve, "--http-tokens /run/secrets/scorer_tokens") ||
		strings.Contains(serve, "--http-insecure") {
		t.Errorf("serve: %q, want --http 0.0.0.0:8080 with --http-tokens /run/secrets/scorer_tokens", serve)
	}
	ref := regexp.MustCompile(`/run/secrets/([a-z_]+)`)
	for name, s := range c.Services {
		text := strings.Join(s.Command, " ")
		for k, v := range s.Environment {
			text += " " + k + "=" + v
		}
		for _, m := range ref.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(s.Secrets, m[1]) {
				t.Errorf("%s: names %s but does not mount secret %s", name, m[0], m[1])
			}
		}
		for _, sec := range s.Secrets {
			if f := c.Secrets[sec].File; f != "./secrets/"+sec {
				t.Errorf("%s: secret %s from %q, want ./secrets/%s", name, sec, f, sec)
			}
		}
	}
	gitignore, err := os.ReadFile(repoFile(t, ".gitignore"))
	if err != nil || !strings.Contains(string(gitignore), "/deploy/secrets/\n") {
		t.Errorf(".gitignore does not keep deploy/secrets/ out of git (%v)", err)
	}

	// compose-secrets.sh, run in a copy of deploy/.
	dir := t.TempDir()
	script := filepath.Join(dir, "compose-secrets.sh")
	b, err := os.ReadFile(repoFile(t, "deploy/compose-secrets.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script)
	cmd.Env = append(os.Environ(), "MLCTL="+mlctlBinary(t))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("compose-secrets.sh: %v\n%s", err, stderr.String())
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "secrets", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for sec := range c.Secrets {
		read(sec)
	}
	pw := read("postgres_password")
	if len(pw) < 32 || strings.ContainsAny(pw, ":\n\\") {
		t.Errorf("postgres_password %q: want 32 or more characters, none that a passfile must escape", pw)
	}
	if got := read("pgpass"); got != "postgres:5432:mlctl:mlctl:"+pw+"\n" {
		t.Errorf("pgpass %q does not match the database URL's host, port, database and user with the password", got)
	}
	token := strings.TrimSpace(stdout.String())
	sum := sha256.Sum256([]byte(token))
	tokens := read("scorer_tokens")
	if token == "" || strings.Contains(tokens, token) || !strings.Contains(tokens, "compose sha256:"+hex.EncodeToString(sum[:])) {
		t.Errorf("scorer_tokens %q for the token printed (%q): want its SHA-256 only", tokens, token)
	}
	if os.Geteuid() == 0 {
		for sec, uid := range map[string]uint32{"postgres_password": 999, "pgpass": 65532, "scorer_tokens": 65532} {
			fi, err := os.Stat(filepath.Join(dir, "secrets", sec))
			if err != nil {
				t.Fatal(err)
			}
			if st := fileOwner(fi); st != uid || fi.Mode().Perm() != 0o400 {
				t.Errorf("secrets/%s: owner %d mode %v, want %d 0400", sec, st, fi.Mode().Perm(), uid)
			}
		}
	}
	// A second run keeps what is there.
	if err := exec.Command(script).Run(); err != nil || read("postgres_password") != pw {
		t.Errorf("a second run changed the secrets (%v)", err)
	}
}
