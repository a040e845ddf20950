package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxExposure is the highest `systemd-analyze security` exposure a unit
// may have: 2.0 is the top of its "OK" band; the units score 1.2, so a
// loosened sandbox shows here.
const maxExposure = 1.5

// units are the systemd units and the instance each is checked as.
var units = map[string]string{
	"mlctl-worker.service": "mlctl-worker.service",
	"mlctl-serve@.service": "mlctl-serve@production.service",
}

// unitRoot is a file system root for systemd-analyze --root: the units
// installed as deploy/systemd/README.md says, the mlctl built from this
// tree at /usr/local/bin/mlctl, /bin/kill (ExecReload=) and the host's
// own units (sysinit.target, ...).
func unitRoot(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatal("no systemd-analyze: install Debian's systemd (apt-get install -y systemd); no running systemd is needed")
	}
	root := t.TempDir()
	for _, d := range []string{"usr/local/bin", "etc/systemd/system", "usr/lib/systemd", "bin"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cp := func(args ...string) {
		if out, err := exec.Command("cp", args...).CombinedOutput(); err != nil {
			t.Fatalf("cp %v: %v\n%s", args, err, out)
		}
	}
	cp(mlctlBinary(t), filepath.Join(root, "usr/local/bin/mlctl"))
	cp("/bin/kill", filepath.Join(root, "bin/kill"))
	cp("-a", "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/system"))
	for u := range units {
		cp(repoFile(t, "deploy/systemd/"+u), filepath.Join(root, "etc/systemd/system", u))
	}
	return root
}

// TestSystemdUnits: each unit passes `systemd-analyze verify` without a
// word (an unknown key is only a warning there, so any output fails) and
// its `systemd-analyze security` exposure is at most maxExposure.
func TestSystemdUnits(t *testing.T) {
	root := unitRoot(t)
	exposure := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)
	for file, unit := range units {
		out, err := exec.Command("systemd-analyze", "verify", "--root="+root, unit).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("systemd-analyze verify %s: %v\n%s", file, err, out)
		}
		out, err = exec.Command("systemd-analyze", "security", "--offline=true", "--root="+root, "--no-pager", unit).CombinedOutput()
		m := exposure.FindSubmatch(out)
		if err != nil || m == nil {
			t.Errorf("systemd-analyze security %s: %v\n%s", file, err, out)
			continue
		}
		if x, _ := strconv.ParseFloat(string(m[1]), 64); x > maxExposure {
			t.Errorf("%s: exposure %.1f, want at most %.1f:\n%s", file, x, maxExposure, out)
		} else {
			t.Logf("%s: exposure %.1f", file, x)
		}
	}

	// The check fails a unit it should: an unknown key.
	bad := filepath.Join(root, "etc/systemd/system/mlctl-worker.service")
	b, err := os.ReadFile(bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(string(b), "NoNewPrivileges=yes", "NoNewPrivileges=yes\nProtectEverything=yes", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ := exec.Command("systemd-analyze", "verify", "--root="+root, "mlctl-worker.service").CombinedOutput(); !strings.Contains(string(out), "ProtectEverything") {
		t.Errorf("verify of a unit with an unknown key said %q", out)
	}
}

// TestSystemdCommands: the units' ExecStart with mlctl.env.example's
// settings (and the alias for %i) parses with the mlctl of this tree.
func TestSystemdCommands(t *testing.T) {
	env := map[string]string{}
	f, err := os.Open(repoFile(t, "deploy/systemd/mlctl.env.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = v
		}
	}
	for file, unit := range units {
		b, err := os.ReadFile(repoFile(t, "deploy/systemd/"+file))
		if err != nil {
			t.Fatal(err)
		}
		var execStart string
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
				execStart = v
			}
		}
		args := strings.Fields(execStart)
		if len(args) < 2 || args[0] != "/usr/local/bin/mlctl" {
			t.Errorf("%s: ExecStart=%s, want /usr/local/bin/mlctl ...", file, execStart)
			continue
		}
		var expanded []string
		for _, a := range args[1:] {
			instance := strings.TrimSuffix(strings.TrimPrefix(unit, "mlctl-serve@"), ".service")
			a = strings.ReplaceAll(a, "%i", instance)
			// ${X} is one argument, $X splits at spaces (systemd.service(5)).
			a = regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(a, func(s string) string { return env[s[2:len(s)-1]] })
			if name, ok := strings.CutPrefix(a, "$"); ok {
				expanded = append(expanded, strings.Fields(env[name])...)
				continue
			}
			expanded = append(expanded, a)
		}
		checkArgs(t, file, expanded)
	}
}
