package deploy

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Cmd  string // upper case: FROM, RUN, COPY, ...
	Args string
	Line int
}

// readDockerfile splits a Dockerfile into stages of instructions (the
// ARGs before the first FROM are left out).
func readDockerfile(t *testing.T, path string) [][]instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages [][]instruction
	var cur strings.Builder
	start, n := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue // a comment inside a continued instruction
		}
		if cur.Len() == 0 {
			start = n
		}
		if body, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.Join(strings.Fields(args), " "), Line: start}
		cur.Reset()
		if in.Cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

// TestDockerfile: a multi-stage build whose last stage is an empty base
// with only what the build stage laid out, run as 65532 through /mlctl
// (exec form: there is no shell to run a string), and whose build stage
// makes a static, trimmed, version-stamped binary.
func TestDockerfile(t *testing.T) {
	stages := readDockerfile(t, repoFile(t, "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and the final one", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if final[0].Args != "scratch" {
		t.Errorf("final stage FROM %s, want scratch", final[0].Args)
	}
	var user, entrypoint string
	for _, in := range final[1:] {
		switch in.Cmd {
		case "RUN", "ADD", "SHELL":
			t.Errorf("line %d: %s in the final stage: it has no shell, and takes its files from the build stage only", in.Line, in.Cmd)
		case "COPY":
			if !strings.Contains(in.Args, "--from=build ") {
				t.Errorf("line %d: COPY %s: want every file from the build stage", in.Line, in.Args)
			}
		case "USER":
			user = in.Args
		case "ENTRYPOINT":
			entrypoint = in.Args
		}
	}
	if user != "65532:65532" {
		t.Errorf("final stage USER %q, want 65532:65532", user)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entrypoint), &ep); err != nil || len(ep) != 1 || ep[0] != "/mlctl" {
		t.Errorf("ENTRYPOINT %s, want the exec form [\"/mlctl\"]", entrypoint)
	}

	var goBuild string
	for _, in := range build {
		if in.Cmd == "RUN" && strings.Contains(in.Args, "go build") {
			goBuild = in.Args
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X github.com/mlctl/mlctl/cli.version=${VERSION}", "./cmd/mlctl"} {
		if !strings.Contains(goBuild, want) {
			t.Errorf("the build stage's go build lacks %s: %s", want, goBuild)
		}
	}
	// The stamp names a variable that exists: a binary stamped that way
	// prints the version (mlctlBinary stamps it so).
	out, err := exec.Command(mlctlBinary(t), "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "mlctl "+stampedVersion+" ") {
		t.Errorf("mlctl --version: %q (%v)", out, err)
	}

	ignore, err := os.ReadFile(repoFile(t, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".git", "deploy/secrets", ".dev"} {
		if !strings.Contains("\n"+string(ignore)+"\n", "\n"+want+"\n") {
			t.Errorf(".dockerignore does not keep %s out of the build context", want)
		}
	}
}

// TestImageRootfs: rootfs.sh, which both the Dockerfile and `make image`
// use, lays out the binary, the two users, the CA bundle and the
// directories, and nothing else (no shell, no libc).
func TestImageRootfs(t *testing.T) {
	const ca = "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(ca); err != nil {
		t.Fatalf("%v: install Debian's ca-certificates (apt-get install -y ca-certificates)", err)
	}
	dir := t.TempDir()
	out, err := exec.Command("sh", repoFile(t, "deploy/image/rootfs.sh"), mlctlBinary(t), ca, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("rootfs.sh: %v\n%s", err, out)
	}
	var got []string
	modes := map[string]fs.FileMode{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		got = append(got, rel)
		modes[rel] = info.Mode()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rootfs", "rootfs/etc", "rootfs/etc/group", "rootfs/etc/nsswitch.conf", "rootfs/etc/passwd", "rootfs/etc/ssl",
		"rootfs/etc/ssl/certs", "rootfs/etc/ssl/certs/ca-certificates.crt", "rootfs/mlctl", "rootfs/tmp", "rootfs/var", "rootfs/var/lib",
		"state", "state/mlctl"}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rootfs.sh laid out\n %v\nwant\n %v", got, want)
	}
	for p, m := range map[string]fs.FileMode{"rootfs/mlctl": 0o755, "rootfs/etc/passwd": 0o644, "state/mlctl": fs.ModeDir | 0o700,
		"rootfs/tmp": fs.ModeDir | fs.ModeSticky | 0o777} {
		if modes[p] != m {
			t.Errorf("%s: mode %v, want %v", p, modes[p], m)
		}
	}
	passwd, err := os.ReadFile(filepath.Join(dir, "rootfs/etc/passwd"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(passwd), "mlctl:x:65532:65532:mlctl:/var/lib/mlctl:/sbin/nologin\n") {
		t.Errorf("/etc/passwd has no mlctl user 65532 without a login shell:\n%s", passwd)
	}
	// The binary in the image is the one given, and runs.
	out, err = exec.Command(filepath.Join(dir, "rootfs/mlctl"), "--version").Output()
	if err != nil || !strings.Contains(string(out), stampedVersion) {
		t.Errorf("the image's /mlctl --version: %q (%v)", out, err)
	}
}
