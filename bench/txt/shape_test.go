package txtbench

import "testing"

func TestShapeKeepsWordsAndClassesBlobs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"v=spf1 include:_spf.google.com ~all", "v=spf1 include:_spf.google.com ~all"},
		{"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3", "v=DKIM1; k=rsa; p=uuuxuh0uhuluuux0"},
		{"1password-site-verification=USIDTEC4TVE67CUT3E7HYFVHGY", "1password-site-verification=uuuhuhh0uuh00huu0h0uuhuuuu"},
		{"4cd201d168dbc2a04f", "0xx000x000xxx0x00x"},
		{"tqaaa", "tqaaa"}, // shorter than a blob
		{"uberspace-mail-kPUHau2GGz", "uberspace-mail-kPUHau2GGz"}, // switches too rarely
		{"AgLAAAMOeAEF,", "hluhhhuuxhhh,"},                         // 12 characters, 4 switches
		{"a+b/c_d-eAbCdEfGh", "x+x/x_x-xhxhxhxul"},
		{"ahrefs-site-verification_047924a9a454abb4", "ahrefs-site-verification_000000x0x000xxx0"},
		{"\xe6\xcfv", "\xe6\xcfv"},
	} {
		if got := Shape(c.in); got != c.want {
			t.Errorf("Shape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
