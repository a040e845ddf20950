package driftcheck_test

import (
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/driftcheck"
)

// TestLiveInputDefaults: zero values take the defaults; values out of
// range are EINVALID errors that name them.
func TestLiveInputDefaults(t *testing.T) {
	in, err := driftcheck.LiveInput{Alias: "production"}.WithDefaults()
	if err != nil || in.Window != time.Hour || in.Threshold != 0.30 || in.MinRows != 200 || in.Sample != 5000 || in.Baseline != driftcheck.BaselineBenign {
		t.Fatalf("defaults %+v %v", in, err)
	}
	for _, c := range []struct {
		in   driftcheck.LiveInput
		want string
	}{
		{driftcheck.LiveInput{Alias: "p", Baseline: "some"}, `drift baseline "some": want benign or all`},
		{driftcheck.LiveInput{Alias: "p", Window: -time.Minute}, "drift window -1m0s is negative"},
		{driftcheck.LiveInput{Alias: "p", Alpha: 2}, "drift alpha 2 is not in (0, 1)"},
		{driftcheck.LiveInput{Alias: "p", Threshold: 1.5}, "drift threshold 1.5 is not in (0, 1]"},
		{driftcheck.LiveInput{Alias: "p", MinRows: -1}, "drift min rows -1 is below 1"},
		{driftcheck.LiveInput{Alias: "p", Sample: 1}, "drift sample 1 is below 2"},
	} {
		if _, err := c.in.WithDefaults(); mlctl.ErrorCode(err) != mlctl.EINVALID || err.Error() != c.want {
			t.Errorf("%+v: %v, want EINVALID %q", c.in, err, c.want)
		}
	}
	if _, err := (driftcheck.LiveInput{Alias: "no alias"}).WithDefaults(); err == nil {
		t.Error("an invalid alias name was accepted")
	}
	if r := driftcheck.Unserved(in); r.Drifted || r.Reason != "alias production is not set: no model in service to check" {
		t.Errorf("unserved %+v", r)
	}
}
