package activities

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl"
)

// TriggerSchedule starts a run of a Temporal Schedule now, unless one of
// its runs is going (the overlap policy skips it then).
func (a *Activities) TriggerSchedule(ctx context.Context, scheduleID string) error {
	if a.Client == nil {
		return nonRetryable(mlctl.Errorf(mlctl.EINVALID, "this worker has no Temporal client to trigger schedule %s", scheduleID))
	}
	err := a.Client.ScheduleClient().GetHandle(ctx, scheduleID).Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	if err != nil {
		return fmt.Errorf("trigger schedule %s: %w", scheduleID, err)
	}
	return nil
}
