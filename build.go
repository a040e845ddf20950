package mlctl

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Build is what the running binary was built from: the module version and,
// when `go build` ran in a git checkout, the commit it stamped.
type Build struct {
	// Version is the module version: a tag (v1.2.3), a pseudo-version, or
	// "(devel)" for a build from a checkout.
	Version string `json:"version"`
	// Revision is the commit (vcs.revision), Time its commit time in RFC
	// 3339 (vcs.time); both empty without VCS information.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	// Modified says the checkout had changes not committed (vcs.modified).
	Modified bool `json:"modified"`
	// Go is the toolchain that built the binary; Platform GOOS/GOARCH.
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// ReadBuild is the running binary's Build (runtime/debug.ReadBuildInfo).
func ReadBuild() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Build{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	}
	return BuildOf(bi)
}

// BuildOf is the Build that bi describes.
func BuildOf(bi *debug.BuildInfo) Build {
	b := Build{Version: bi.Main.Version, Go: bi.GoVersion, Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if b.Version == "" {
		b.Version = "unknown"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the build on one line: "mlctl (devel) 0d10971c4a2b
// 2026-01-02T03:04:05Z modified go1.26.8 linux/amd64".
func (b Build) String() string {
	parts := []string{"mlctl", b.Version}
	if b.Revision != "" {
		parts = append(parts, b.Revision[:min(12, len(b.Revision))])
	}
	if b.Time != "" {
		parts = append(parts, b.Time)
	}
	if b.Modified {
		parts = append(parts, "modified")
	}
	return fmt.Sprintf("%s %s %s", strings.Join(parts, " "), b.Go, b.Platform)
}
