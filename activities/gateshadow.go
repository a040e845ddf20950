package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
)

// shadowGate checks the gate's shadow requirements: it returns the
// challenger's latest shadow on the alias, whether it passed, and a
// sentence saying why it failed or what it saw.
func (a *Activities) shadowGate(ctx context.Context, in GateInput, challenger, champion string) (*registry.ShadowSummary, bool, string, error) {
	sh, err := a.DB.LatestShadow(ctx, in.Alias, in.ChallengerID)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return nil, false, fmt.Sprintf("challenger %s has not been shadowed on %s; the gate requires a shadow of at least %v", challenger, in.Alias, in.MinShadow), nil
	}
	if err != nil {
		return nil, false, "", err
	}
	sum, err := a.DB.SummariseShadow(ctx, sh.ID)
	if err != nil {
		return nil, false, "", err
	}
	ran := time.Duration(sum.Seconds * float64(time.Second)).Round(time.Second)
	switch {
	case sh.ChampionID != in.ChampionID:
		return sum, false, fmt.Sprintf("challenger %s was shadowed beside model %d, not %s's %s", challenger, sh.ChampionID, in.Alias, champion), nil
	case ran < in.MinShadow:
		return sum, false, fmt.Sprintf("challenger %s was shadowed for %v on %s; the gate requires %v", challenger, ran, in.Alias, in.MinShadow), nil
	case sum.Scored < in.MinShadowScored:
		return sum, false, fmt.Sprintf("challenger %s scored %d live inputs in its shadow on %s; the gate requires %d (is traffic reaching the scorers?)",
			challenger, sum.Scored, in.Alias, in.MinShadowScored), nil
	case in.MaxDisagreement > 0 && sum.DisagreementRate > in.MaxDisagreement:
		return sum, false, fmt.Sprintf("challenger %s disagreed with %s on %.2f%% of %d live inputs (%d alerts vs the champion's %d); the gate allows %.2f%%",
			challenger, champion, 100*sum.DisagreementRate, sum.Scored, sum.ChallengerAlerts, sum.ChampionAlerts, 100*in.MaxDisagreement), nil
	}
	return sum, true, fmt.Sprintf("challenger %s shadowed beside %s for %v on %d live inputs, disagreeing on %.2f%% (%d alerts vs %d)",
		challenger, champion, ran, sum.Scored, 100*sum.DisagreementRate, sum.ChallengerAlerts, sum.ChampionAlerts), nil
}
