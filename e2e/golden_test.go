package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// goldenSHA256 are the artifacts' SHA-256 recorded before the learners were
// refactored behind one interface (issue 14): the same inputs, parameters
// and seed must keep giving the same bytes, through the CLI, the workflow
// and every algorithm's training path. A deliberate change to a model's
// bytes updates this table in the same commit and says why.
var goldenSHA256 = map[string]string{
	"dga-gbdt":         "a9dfa6fa497427677a5238a4dcba38eabf75e1849143ab3a586d4e943a1337f6",
	"dga-gbdt-nogen":   "ad749bef780788c1bb846128dcef40c3af1e982c93a7c38dae7e2af83ee1ed4b",
	"dga-rf-heidgaf44": "4c7b25ac1688d41c82c1589195f90b319cba8f4da3635a91aea91726468fd243",
	"dga-rf":           "383cf9db3e7e0493f81acdb476e9c81158eec0567de4dfc4adf0720af12812d5",
	"dga-iforest":      "6ce5469ed045a0568ea64ff5087ac4449e80ed48d87d9e9d47ea22a9a5d2f9bc",
	"dga-lstm":         "78b6c364ccd295f48d0b08116fa80d41c061ca9b1d554add4fd4422cd09b58ae",
	"txt-gbdt":         "0fc183221a610fb72d14b3193ae051896bc47ef63090662f7d4770ba1d35fa8a",
	"txt-lstm":         "02bbd39ab308e85ca5bcc0bd57d18c5cef1bd3ff8cfbd76a833e18c35f7952c6",
	"tab-rf":           "d111f0133b7854c6c99ecdb56c806594251d3a6f427e5b9a4cbffece0d98d9ba",
	"tab-iforest":      "65cc3488254936d82c0b593ce66c750df6fe0f7160ca2ecd4974a93f7c961865",
	"tab-gbdt":         "1bb3b1f49437cb2f450155026c58ee4f15061a19693a594c6ebc2f88312cc696",
}

// goldenManifest are the SHA-256 of each model's manifest as `models show
// --json` prints it, without its workflow ID (keys sorted): the resolved
// parameters, threshold, metrics and split recorded beside the bytes.
var goldenManifest = map[string]string{
	"dga-gbdt":         "40b31195978b65871c2d6676b38ee09e2cb5d9afde8025f288e3579dac26da2c",
	"dga-gbdt-nogen":   "0fbf41f978b74233cd68915b2440a7a1e511671942e7e0bd7e1a2bfaf6d626fe",
	"dga-rf-heidgaf44": "e68e02960423c8ddbc5062ae0ff5d33f739720edd2561bd938b557989bd80e97",
	"dga-rf":           "ec702e4b53f3e6ec33a849227036c4226ac4850b96d12df3690ad172babe165d",
	"dga-iforest":      "ccb8b2f97b4f022ddea5b1423b505f09a2f646ee8758f3d8f082e72da3c9f3e7",
	"dga-lstm":         "fbb08d7ca038a271cef5f868554b8506ba70107c9e9e55d7fa9a244b9e41e044",
	"txt-gbdt":         "f932c40e2b3bb49936ed2bb3fd685f1996889a7c2917dc629f90c70ef90bd475",
	"txt-lstm":         "29c0cc3aafc06b742b2005a86bd1b811921269d4155d272fce9f859679d13c53",
	"tab-rf":           "b01d74be96e2c26e02d7db2d3fe5210a5ddc312a7baed198079762867a2f968e",
	"tab-iforest":      "61eecda5fd3a86a417e28a8a8fd393ebf2758376d7b6223ffee026440891c546",
	"tab-gbdt":         "5835ca2a08c0727394e4cf48518c03024a9af4e4289d6bea4da5b02fee21e406",
}

// TestArtifactBytesUnchanged trains every algorithm on every kind of data
// it takes, through `mlctl train`, and compares the artifact's SHA-256 with
// the recorded one.
func TestArtifactBytesUnchanged(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	s.run("dataset", "generate", "--rows", "3000", "--seed", "3", "-o", "dga.csv")
	s.run("dataset", "ingest", "gdga", "--kind", "dga", "--file", "dga.csv")
	s.run("dataset", "generate", "--kind", "txt", "--rows", "60", "--seed", "3", "-o", "txt.jsonl")
	s.run("dataset", "ingest", "gtxt", "--kind", "txt", "--file", "txt.jsonl")
	table := botTable(t, s, "bots.csv", 3)
	s.run("dataset", "ingest", "gbots", "--kind", "tabular", "--file", table, "--key-column", "src_ip",
		"--ignore-column", "asn_label", "--baseline-column", "is_human")
	cases := []struct {
		name string
		args []string
	}{
		{"dga-gbdt", []string{"--dataset", "gdga", "--algo", "gbdt", "--param", "rounds=20", "--param", "gen_dga=500", "--param", "gen_benign=500"}},
		{"dga-gbdt-nogen", []string{"--dataset", "gdga", "--algo", "gbdt", "--param", "rounds=10", "--param", "gen_dga=0", "--param", "gen_benign=0", "--param", "threshold_rule=f1"}},
		{"dga-rf-heidgaf44", []string{"--dataset", "gdga", "--algo", "rf", "--param", "n_estimators=10", "--param", "feature_set=heidgaf44"}},
		{"dga-rf", []string{"--dataset", "gdga", "--algo", "rf", "--param", "n_estimators=10", "--param", "gen_dga=300"}},
		{"dga-iforest", []string{"--dataset", "gdga", "--algo", "iforest", "--param", "n_estimators=20"}},
		{"dga-lstm", []string{"--dataset", "gdga", "--algo", "lstm", "--param", "epochs=1", "--param", "embed=8", "--param", "hidden=8"}},
		{"txt-gbdt", []string{"--dataset", "gtxt", "--algo", "gbdt", "--param", "rounds=10"}},
		{"txt-lstm", []string{"--dataset", "gtxt", "--algo", "lstm", "--param", "epochs=1", "--param", "embed=8", "--param", "hidden=8"}},
		{"tab-rf", []string{"--dataset", "gbots", "--algo", "rf", "--param", "n_estimators=10"}},
		{"tab-iforest", []string{"--dataset", "gbots", "--algo", "iforest", "--param", "n_estimators=20"}},
		{"tab-gbdt", []string{"--dataset", "gbots", "--algo", "gbdt", "--param", "rounds=10"}},
	}
	for _, tc := range cases {
		var tr trained
		args := append([]string{"train", "--model", "golden-" + tc.name, "--seed", "7", "--wait", "--json"}, tc.args...)
		mustJSON(t, s.run(args...), &tr)
		if want := goldenSHA256[tc.name]; tr.SHA256 != want {
			t.Errorf("%s: sha256 %s, recorded %s", tc.name, tr.SHA256, want)
		}
		var show struct {
			Manifest map[string]any `json:"manifest"`
		}
		mustJSON(t, s.run("models", "show", tr.Model+"@1", "--json"), &show)
		delete(show.Manifest, "workflow_id")
		b, err := json.Marshal(show.Manifest)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), goldenManifest[tc.name]; got != want {
			t.Errorf("%s: manifest sha256 %s, recorded %s\n%s", tc.name, got, want, b)
		}
	}
}
