package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl/registry"
)

// shadowGate checks the gate's shadow requirements: it returns the
// challenger's latest shadow on the alias and, when a requirement is not
// met, why.
func (a *Activities) shadowGate(ctx context.Context, in GateInput, challenger, champion string) (*registry.ShadowSummary, string, error) {
	sh, err := a.DB.LatestShadow(ctx, in.Alias, in.ChallengerID)
	if registry.ErrorCode(err) == registry.ENOTFOUND {
		return nil, fmt.Sprintf("challenger %s has not been shadowed on %s; the gate requires a shadow of at least %v", challenger, in.Alias, in.MinShadow), nil
	}
	if err != nil {
		return nil, "", err
	}
	sum, err := a.DB.SummariseShadow(ctx, sh.ID)
	if err != nil {
		return nil, "", err
	}
	ran := time.Duration(sum.Seconds * float64(time.Second)).Round(time.Second)
	switch {
	case sh.ChampionID != in.ChampionID:
		return sum, fmt.Sprintf("challenger %s was shadowed beside model %d, not %s's %s", challenger, sh.ChampionID, in.Alias, champion), nil
	case ran < in.MinShadow:
		return sum, fmt.Sprintf("challenger %s was shadowed for %v on %s; the gate requires %v", challenger, ran, in.Alias, in.MinShadow), nil
	case sum.Scored < in.MinShadowScored:
		return sum, fmt.Sprintf("challenger %s scored %d live inputs in its shadow on %s; the gate requires %d (is traffic reaching the scorers?)",
			challenger, sum.Scored, in.Alias, in.MinShadowScored), nil
	case in.MaxDisagreement > 0 && sum.DisagreementRate > in.MaxDisagreement:
		return sum, fmt.Sprintf("challenger %s disagreed with %s on %.2f%% of %d live inputs (%d alerts vs the champion's %d); the gate allows %.2f%%",
			challenger, champion, 100*sum.DisagreementRate, sum.Scored, sum.ChallengerAlerts, sum.ChampionAlerts, 100*in.MaxDisagreement), nil
	}
	return sum, "", nil
}
