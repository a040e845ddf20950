package mlctl

// Alias actions recorded in the history.
const (
	ActionPromote  = "promote"
	ActionRollback = "rollback"
	// ActionRestore is a rollout's compensation: the alias goes back to
	// where it was because the rollout failed.
	ActionRestore = "restore"
)
