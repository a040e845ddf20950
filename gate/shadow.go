package gate

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
)

// ShadowCheck is the verdict on a challenger's shadow.
type ShadowCheck struct {
	Passed  bool                    `json:"passed"`
	Reason  string                  `json:"reason"`
	Summary *registry.ShadowSummary `json:"summary,omitempty"`
}

// Shadow applies the gate's shadow requirements (MinShadow,
// MinShadowScored, MaxDisagreement) to the challenger's latest shadow on
// the alias: the verdict, a sentence saying why it failed or what it saw,
// and the shadow's summary. challenger and champion are the models'
// MODEL@V, for the sentence.
func Shadow(ctx context.Context, st Store, in Input, challenger, champion string) (ShadowCheck, error) {
	sh, err := st.LatestShadow(ctx, in.Alias, in.ChallengerID)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return ShadowCheck{Reason: fmt.Sprintf("challenger %s has not been shadowed on %s; the gate requires a shadow of at least %v", challenger, in.Alias, in.MinShadow)}, nil
	}
	if err != nil {
		return ShadowCheck{}, err
	}
	sum, err := st.SummariseShadow(ctx, sh.ID)
	if err != nil {
		return ShadowCheck{}, err
	}
	failed := func(format string, args ...any) (ShadowCheck, error) {
		return ShadowCheck{Reason: fmt.Sprintf(format, args...), Summary: sum}, nil
	}
	ran := time.Duration(sum.Seconds * float64(time.Second)).Round(time.Second)
	switch {
	case sh.ChampionID != in.ChampionID:
		return failed("challenger %s was shadowed beside model %d, not %s's %s", challenger, sh.ChampionID, in.Alias, champion)
	case ran < in.MinShadow:
		return failed("challenger %s was shadowed for %v on %s; the gate requires %v", challenger, ran, in.Alias, in.MinShadow)
	case sum.Scored < in.MinShadowScored:
		return failed("challenger %s scored %d live inputs in its shadow on %s; the gate requires %d (is traffic reaching the scorers?)",
			challenger, sum.Scored, in.Alias, in.MinShadowScored)
	case in.MaxDisagreement > 0 && sum.DisagreementRate > in.MaxDisagreement:
		return failed("challenger %s disagreed with %s on %.2f%% of %d live inputs (%d alerts vs the champion's %d); the gate allows %.2f%%",
			challenger, champion, 100*sum.DisagreementRate, sum.Scored, sum.ChallengerAlerts, sum.ChampionAlerts, 100*in.MaxDisagreement)
	}
	return ShadowCheck{Passed: true, Summary: sum, Reason: fmt.Sprintf("challenger %s shadowed beside %s for %v on %d live inputs, disagreeing on %.2f%% (%d alerts vs %d)",
		challenger, champion, ran, sum.Scored, 100*sum.DisagreementRate, sum.ChallengerAlerts, sum.ChampionAlerts)}, nil
}
