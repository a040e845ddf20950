package driftcheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/training/drift"
)

// tooFewLiveRows is the reason a model was not checked.
func tooFewLiveRows(res LiveResult, in LiveInput) string {
	if len(res.Scorers) == 0 {
		return fmt.Sprintf("%s: no scorer of alias %s recorded a live sample in the last %s; not checked for drift",
			res.Model, in.Alias, shortDuration(in.Window))
	}
	return fmt.Sprintf("%s: not enough live rows: %d from %s in the last %s, fewer than the %d a drift check needs; not checked",
		res.Model, res.LiveRows, plural(len(res.Scorers), "scorer"), shortDuration(in.Window), in.MinRows)
}

// liveDriftReason is the verdict in a sentence, e.g. "dga@3: 12 of 44
// features drifted (27%), below 30%; max PSI 0.08 (ngram_x, stable); 1200
// live rows from 2 scorers in the last 1h".
func liveDriftReason(res LiveResult, rep drift.Report, in LiveInput) string {
	from := fmt.Sprintf("%d live rows from %s in the last %s", res.LiveRows, plural(len(res.Scorers), "scorer"), shortDuration(in.Window))
	if rep.Tested == 0 {
		return fmt.Sprintf("%s: no feature could be tested (every live value is missing); %s", res.Model, from)
	}
	side := "below"
	switch {
	case rep.Drifted:
		side = "above"
	case rep.DriftedShare == rep.Threshold:
		side = "at"
	}
	share, limit := percent(rep.DriftedShare, rep.Threshold)
	s := fmt.Sprintf("%s: %d of %d features drifted (%s), %s %s", res.Model, rep.DriftedFeatures, rep.Tested, share, side, limit)
	for _, f := range rep.Features {
		if f.Tested && f.PSI == rep.MaxPSI {
			s += fmt.Sprintf("; max PSI %.2f (%s, %s)", f.PSI, f.Name, drift.PSILevel(f.PSI))
			break
		}
	}
	return s + "; " + from
}

// percent formats a share and the threshold it is compared with, with a
// decimal when whole percents would make them look equal.
func percent(share, threshold float64) (string, string) {
	s, t := fmt.Sprintf("%.0f%%", 100*share), fmt.Sprintf("%.0f%%", 100*threshold)
	if s == t && share != threshold {
		s, t = fmt.Sprintf("%.1f%%", 100*share), fmt.Sprintf("%.1f%%", 100*threshold)
	}
	return s, t
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shortDuration is d without its zero trailing units: "1h", "30m", "1h30m".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
