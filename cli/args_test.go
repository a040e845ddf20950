package cli

import (
	"io"
	"reflect"
	"testing"
)

func TestInterspersedMovesPositionalsAfterFlags(t *testing.T) {
	app := App(io.Discard, io.Discard)
	cases := []struct{ in, want []string }{
		{[]string{"mlctl", "dataset", "ingest", "dga", "--kind", "dga", "--file", "a.csv", "--json"},
			[]string{"mlctl", "dataset", "ingest", "--kind", "dga", "--file", "a.csv", "--json", "--", "dga"}},
		{[]string{"mlctl", "--db", "postgres://x", "models", "export", "m@1", "--format=xgboost-json", "-o", "f.json"},
			[]string{"mlctl", "--db", "postgres://x", "models", "export", "--format=xgboost-json", "-o", "f.json", "--", "m@1"}},
		{[]string{"mlctl", "models", "list", "--json"}, []string{"mlctl", "models", "list", "--json"}},
		{[]string{"mlctl", "eval", "m@2", "--dataset", "d"}, []string{"mlctl", "eval", "--dataset", "d", "--", "m@2"}},
	}
	for _, c := range cases {
		if got := interspersed(app, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("interspersed(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
