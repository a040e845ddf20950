package cli

import (
	"runtime/debug"
)

// version is stamped at build time by the image and release builds:
//
//	go build -ldflags "-X github.com/mlctl/mlctl/cli.version=v1.2.3" ./cmd/mlctl
//
// Left empty, Version falls back to what the Go toolchain recorded.
var version string

// Version is mlctl's version as `mlctl --version` prints it: the stamped
// version, else the module version of a `go install ...@vX`, else the VCS
// revision of a build from a checkout ("+dirty" with uncommitted changes),
// else "devel".
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return "devel-" + rev + dirty
}
