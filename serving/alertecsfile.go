package serving

import (
	"context"
	"encoding/json"

	"github.com/mlctl/mlctl/registry"
)

// ecsFile is an ECS output (ecs:PATH): the alerts file's writing (a batch
// whole or not at all, reopened on SIGHUP) with one ECSAlert a line.
type ecsFile struct{ f *alertFile }

func openECSFile(path string) (*ecsFile, error) {
	f, err := openAlertFile(path)
	if err != nil {
		return nil, err
	}
	f.encode = func(a *registry.Alert) ([]byte, error) { return json.Marshal(NewECSAlert(a)) }
	return &ecsFile{f}, nil
}

func (e *ecsFile) send(ctx context.Context, alerts []registry.Alert) error {
	return e.f.deliver(ctx, alerts)
}
func (e *ecsFile) close() error  { return e.f.close() }
func (e *ecsFile) reopen() error { return e.f.reopen() }
