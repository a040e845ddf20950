package serving

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/lstm"
)

// Records the test txt model learns: benign ones as zones publish them, and
// TXT answers of a DNS tunnel (dns2tcp's base64 answers).
var (
	benignTXT = []string{
		"v=spf1 include:_spf.google.com ~all",
		"v=spf1 -all",
		"v=spf1 ip4:192.0.2.0/24 include:mailgun.org -all",
		"v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
		"v=DMARC1; p=none; sp=quarantine; adkim=s; aspf=s",
		"google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ",
		"MS=ms47244935",
		"apple-domain-verification=Jx3kd92LmQ",
		"facebook-domain-verification=7h2k9d0s8a1q",
		"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ",
	}
	tunnelTXT = []string{
		"AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ",
		"AgLCFgAABAA",
		"AgLBXxCgkAA",
		"AgLAAAAABEA",
		"AgLAAAAACEA",
		"AgLD3QAABEBnbGRqZ2RmZ2tqZGZn",
		"AgLAAAMOeAEFTkpRMkJPTzQ5",
		"AgLCFgAABGVtYWlsZGF0YQ",
		"AgLBXxCgkAHNpbms",
		"AgLAAAAACCGlqeGd4dVJvZkQy",
	}
)

// trainTXTModel trains a tiny txt LSTM (the TXT notebook's tokenizer fitted on the
// records above, embedding 8, hidden 16) and checks it tells the tunnel
// answers from the benign records at 0.5.
func trainTXTModel(t testing.TB) *artifact.Artifact {
	t.Helper()
	records := append(append([]string(nil), benignTXT...), tunnelTXT...)
	tok, err := tokens.FitTXT(records, tokens.TXTOptions{MaxLen: 96})
	if err != nil {
		t.Fatal(err)
	}
	var b tokens.Batch
	b.Encode(tok, records)
	labels := make([]float32, len(records))
	for i := len(benignTXT); i < len(records); i++ {
		labels[i] = 1
	}
	p := lstm.DefaultParams()
	p.Vocab, p.Embed, p.Hidden, p.Dropout = tok.VocabSize(), 8, 16, 0
	p.BatchSize, p.Epochs, p.Patience, p.LearningRate, p.Seed = 4, 40, 0, 0.03, 1
	train := lstm.Examples{Sequences: lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}, Labels: labels}
	m, err := lstm.Train(context.Background(), train, lstm.Examples{}, p, lstm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	state, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	art := &artifact.Artifact{Algo: "lstm", Params: p.Map(), Model: m,
		FeatureSet: artifact.FeatureSet{Name: tok.Name(), Version: tokens.TXTVersion, State: state}}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Kind() != "txt" {
		t.Fatalf("scorer kind %q, want txt", sc.Kind())
	}
	scores := make([]float64, len(records))
	sc.Score(records, scores)
	for i, s := range scores {
		if (s >= 0.5) != (labels[i] == 1) {
			t.Fatalf("the test model scores %q %.3f (label %v): train it longer", records[i], s, labels[i])
		}
	}
	return art
}

// publishTXTModel publishes a trained tiny txt model as name@next with
// threshold 0.5.
func publishTXTModel(t testing.TB, db *registry.DB, name string) *registry.Model {
	t.Helper()
	return publishedtest.Publish(t, db, name, trainTXTModel(t), 0.5)
}
