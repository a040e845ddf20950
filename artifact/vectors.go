package artifact

import (
	"fmt"
	"slices"

	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/training/matrix"
)

// Models of flow, dns-domain and tabular datasets take the dataset's
// vectors as they are: their feature set is named for the kind ("flow",
// "dns-domain", "tabular") and
// lists the columns the model reads, in the order it reads them. A flow
// model's columns are the flow window set's features at the version that
// computed them, so serving, which computes them from conn.log, checks
// both; a tabular model's are the columns of the tables it was trained
// on (less any baseline column) and are matched by name when scoring.
const (
	FlowFeatureSet    = flow.WindowSetName
	DomainFeatureSet  = dnsdomain.SetName
	TabularFeatureSet = "tabular"
	// TabularVersion is the version of the tabular set: identity on named
	// columns.
	TabularVersion = 1
)

// VectorFeatureSet returns the feature set of a model trained on vectors
// of a flow or tabular dataset with these columns.
func VectorFeatureSet(kind string, columns []string) (FeatureSet, error) {
	switch kind {
	case "flow":
		want := flow.DefaultWindowSet().Names()
		if !slices.Equal(columns, want) {
			return FeatureSet{}, fmt.Errorf("flow dataset has %d columns that are not this mlctl's flow features v%d (%d); re-ingest it", len(columns), flow.WindowSetVersion, len(want))
		}
		return FeatureSet{Name: FlowFeatureSet, Version: flow.WindowSetVersion, Names: slices.Clone(columns)}, nil
	case dnsdomain.SetName:
		if !slices.Equal(columns, dnsdomain.Names()) {
			return FeatureSet{}, fmt.Errorf("dns-domain dataset has %d columns that are not this mlctl's dns-domain features v%d (%d); re-ingest it", len(columns), dnsdomain.SetVersion, len(dnsdomain.Names()))
		}
		return FeatureSet{Name: DomainFeatureSet, Version: dnsdomain.SetVersion, Names: slices.Clone(columns)}, nil
	case "tabular":
		if len(columns) == 0 {
			return FeatureSet{}, fmt.Errorf("tabular dataset has no columns")
		}
		return FeatureSet{Name: TabularFeatureSet, Version: TabularVersion, Names: slices.Clone(columns)}, nil
	}
	return FeatureSet{}, fmt.Errorf("kind %q has no vector feature set (want flow, dns-domain or tabular)", kind)
}

// vectorKind returns the dataset kind of a vector feature set, "" for a
// feature set computed from names.
func vectorKind(fs FeatureSet) string {
	switch fs.Name {
	case FlowFeatureSet:
		return "flow"
	case DomainFeatureSet:
		return dnsdomain.SetName
	case TabularFeatureSet:
		return "tabular"
	}
	return ""
}

// checkVectorSet checks a vector feature set against what this mlctl computes.
func checkVectorSet(fs FeatureSet) error {
	if fs.Name == FlowFeatureSet {
		if fs.Version != flow.WindowSetVersion {
			return fmt.Errorf("artifact wants flow features v%d, this mlctl computes v%d", fs.Version, flow.WindowSetVersion)
		}
		if !slices.Equal(fs.Names, flow.DefaultWindowSet().Names()) {
			return fmt.Errorf("artifact's %d flow features are not this mlctl's flow features v%d", len(fs.Names), flow.WindowSetVersion)
		}
		return nil
	}
	if fs.Name == DomainFeatureSet {
		if fs.Version != dnsdomain.SetVersion {
			return fmt.Errorf("artifact wants dns-domain features v%d, this mlctl computes v%d", fs.Version, dnsdomain.SetVersion)
		}
		if !slices.Equal(fs.Names, dnsdomain.Names()) {
			return fmt.Errorf("artifact's %d dns-domain features are not this mlctl's dns-domain features v%d", len(fs.Names), dnsdomain.SetVersion)
		}
		return nil
	}
	if fs.Version != TabularVersion {
		return fmt.Errorf("artifact wants tabular features v%d, this mlctl reads v%d", fs.Version, TabularVersion)
	}
	return nil
}

// ColumnMap returns, for each of the model's features, the index of the
// column of that name in columns; a missing column is an error naming it.
func ColumnMap(features, columns []string) ([]int, error) {
	at := make(map[string]int, len(columns))
	for i, c := range columns {
		if _, dup := at[c]; !dup {
			at[c] = i
		}
	}
	idx := make([]int, len(features))
	var missing []string
	for i, f := range features {
		j, ok := at[f]
		if !ok {
			missing = append(missing, f)
		}
		idx[i] = j
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("input lacks %d of the model's columns: %s", len(missing), joinFew(missing))
	}
	return idx, nil
}

func joinFew(s []string) string {
	out := ""
	for i, v := range s {
		if i == 5 {
			return out + fmt.Sprintf(", … (%d more)", len(s)-5)
		}
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// VectorMatrix picks the model's features (idx from ColumnMap) out of
// vectors as the float32 matrix the trees take.
func VectorMatrix(idx []int, vectors [][]float64) *matrix.Matrix {
	w := len(idx)
	m := &matrix.Matrix{Rows: len(vectors), Cols: w, Values: make([]float32, len(vectors)*w)}
	for i, v := range vectors {
		dst := m.Values[i*w : (i+1)*w]
		for j, c := range idx {
			dst[j] = float32(v[c])
		}
	}
	return m
}
