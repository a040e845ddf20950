package mlctl

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestBuildOf reads the module version and the VCS stamp `go build` leaves
// in a binary, and says them on one line.
func TestBuildOf(t *testing.T) {
	b := BuildOf(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/mlctl/mlctl", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0d10971cdbd40237705169c64b0bf5e70a6df5eb"},
			{Key: "vcs.time", Value: "2026-12-07T22:47:20Z"},
			{Key: "vcs.modified", Value: "true"},
		}})
	if b.Version != "(devel)" || b.Revision != "0d10971cdbd40237705169c64b0bf5e70a6df5eb" || b.Time != "2026-12-07T22:47:20Z" || !b.Modified || b.Go != "go1.26.8" {
		t.Fatalf("%+v", b)
	}
	if s := b.String(); !strings.HasPrefix(s, "mlctl (devel) 0d10971cdbd4 2026-12-07T22:47:20Z modified go1.26.8 ") {
		t.Fatalf("String() = %q", s)
	}
	// A tagged module without VCS information (go install ...@v1.2.3).
	b = BuildOf(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}})
	if b.Version != "v1.2.3" || b.Revision != "" || b.Modified {
		t.Fatalf("%+v", b)
	}
	if s := b.String(); !strings.HasPrefix(s, "mlctl v1.2.3 go1.26.8 ") {
		t.Fatalf("String() = %q", s)
	}
}
