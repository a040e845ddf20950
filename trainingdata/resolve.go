package trainingdata

import (
	"context"
	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
)

// Resolve turns NAME[@V] references into fixed dataset versions (the
// newest when no @V), in their order. Versions of different kinds do not
// mix: that, no reference, or a malformed one is an EINVALID error.
func Resolve(ctx context.Context, st Store, refs []string) ([]*registry.Dataset, error) {
	if len(refs) == 0 {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no dataset given")
	}
	var out []*registry.Dataset
	for _, r := range refs {
		name, version, err := mlctl.ParseRef(r)
		if err != nil {
			return nil, mlctl.Errorf(mlctl.EINVALID, "dataset %v", err)
		}
		d, err := st.Dataset(ctx, name, version)
		if err != nil {
			return nil, err
		}
		if len(out) > 0 && d.Kind != out[0].Kind {
			return nil, mlctl.Errorf(mlctl.EINVALID, "datasets mix kinds %s and %s", out[0].Kind, d.Kind)
		}
		out = append(out, d)
	}
	return out, nil
}

// IDs returns the IDs of the dataset versions, in their order.
func IDs(ds []*registry.Dataset) []int64 {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}
