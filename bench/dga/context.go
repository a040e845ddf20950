package dga

import (
	"context"
	"time"
)

type heldSchemesKey struct{}

// withHeldSchemes tells recipes which generator schemes a
// leave-one-scheme-out fold holds out.
func withHeldSchemes(ctx context.Context, proto string, held []string) context.Context {
	if proto != LeaveOneScheme {
		return ctx
	}
	return context.WithValue(ctx, heldSchemesKey{}, held)
}

// HeldSchemes returns the schemes the fold holds out of the generator.
func HeldSchemes(ctx context.Context) []string {
	s, _ := ctx.Value(heldSchemesKey{}).([]string)
	return s
}

func now() time.Time            { return time.Now() }
func since(t time.Time) float64 { return time.Since(t).Seconds() }
