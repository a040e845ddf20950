package txtbench

import (
	"testing"

	"github.com/mlctl/mlctl/datasets/txtgen"
	"github.com/mlctl/mlctl/deploy/devenv"
)

func TestZoneGroup(t *testing.T) {
	for text, want := range map[string]string{
		"v=spf1 include:_spf.google.com ~all":                      txtgen.GroupMail,
		"v=DMARC1; p=none":                                         txtgen.GroupMail,
		"k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ":          txtgen.GroupDKIM,
		"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7":               txtgen.GroupDKIM,
		"google-site-verification=yrBprsuPgbaoNFd79KLgjYMr2xqEZhk": txtgen.GroupVerification,
		"MS=ms62939426": txtgen.GroupVerification,
		"ahrefs-site-verification_047924a9a454abb4497f9a4389b610ee": txtgen.GroupVerification,
		"3777bf5f9b6076520d8bbcebb90d45":                            txtgen.GroupOther,
		"ALIAS for hackclub.com.herokudns.com":                      txtgen.GroupOther,
	} {
		if got := ZoneGroup(text); got != want {
			t.Errorf("ZoneGroup(%q) = %s, want %s", text, got, want)
		}
	}
}

// TestReadCorpus reads the shared corpora, and fails (never skips) when
// they are missing.
func TestReadCorpus(t *testing.T) {
	dir, err := devenv.SharedData()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	// 349 zone rows hold 290 distinct texts; the 503 dns2tcp answers differ.
	if len(c.Zone) != 290 || len(c.Dns2tcp) != 503 {
		t.Fatalf("%d zone records, %d dns2tcp answers", len(c.Zone), len(c.Dns2tcp))
	}
	groups := map[string]int{}
	for _, z := range c.Zone {
		groups[z.Group]++
	}
	for _, g := range txtgen.BenignGroups() {
		if groups[g] < 10 {
			t.Errorf("group %s has %d real records: %v", g, groups[g], groups)
		}
	}
	t.Logf("real zone records by group: %v", groups)
}
