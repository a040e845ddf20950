package txtbench

import (
	"testing"

	"github.com/mlctl/mlctl/datasets/txtgen"
)

// fakeCorpus is a small corpus with a record of every benign group.
func fakeCorpus() Corpus {
	var c Corpus
	for _, t := range []string{"v=spf1 -all", "v=DKIM1; p=", "MS=ms12345678", "hello world", "v=DMARC1; p=none", "k=rsa"} {
		c.Zone = append(c.Zone, Example{Text: t, Source: SourceZone, Group: ZoneGroup(t), Real: true})
	}
	for _, t := range []string{"AgLAAAMOeAEF,", "AgLCFgAABAA,", "AgLBXxCgkAA,"} {
		c.Dns2tcp = append(c.Dns2tcp, Example{Text: t, Label: txtgen.Tunnel, Source: SourceDns2tcp, Group: SourceDns2tcp, Real: true})
	}
	return c
}

func TestFoldsHoldOutToolAndBenignRecords(t *testing.T) {
	sizes := Sizes{ToolTrain: 5, ToolTest: 7, BenignTrain: 4, BenignTest: 3, Dns2tcp: 2}
	for _, p := range []Protocol{UnseenKind, UnseenRecords} {
		folds, err := Folds(fakeCorpus(), p, 1, sizes)
		if err != nil {
			t.Fatal(err)
		}
		if len(folds) != len(txtgen.Tunnels())+1 {
			t.Fatalf("%d folds", len(folds))
		}
		for i, fd := range folds {
			train := map[string]bool{}
			for _, x := range fd.Train {
				train[x.Text] = true
				if x.Label == txtgen.Tunnel && x.Group == fd.Tool {
					t.Errorf("%v fold %s trains on its held-out tool", p, fd.Tool)
				}
				if x.Label == txtgen.Benign && p == UnseenKind && x.Group == fd.Group {
					t.Errorf("%v fold %s trains on held-out group %s", p, fd.Tool, fd.Group)
				}
			}
			pos, zone := 0, 0
			for _, x := range fd.Test {
				if train[x.Text] {
					t.Errorf("%v fold %s: test record %q is in training", p, fd.Tool, x.Text)
				}
				if x.Label == txtgen.Tunnel {
					pos++
					if x.Group != fd.Tool {
						t.Errorf("%v fold %s tests on %s", p, fd.Tool, x.Group)
					}
				}
				if x.Real && x.Label == txtgen.Benign {
					zone++
				}
			}
			want := sizes.ToolTest
			if fd.Tool == SourceDns2tcp {
				want = sizes.Dns2tcp
			}
			if pos != want || zone == 0 {
				t.Errorf("%v fold %d (%s): %d tunnel test answers, want %d; %d real zone records", p, i, fd.Tool, pos, want, zone)
			}
		}
	}
}
