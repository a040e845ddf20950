package dgagen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/datasets"
)

// Benign kinds: the names real networks resolve that popularity lists
// under-represent.
const (
	BenignEnterprise = "enterprise" // hosts of an organisation's own domains: dc01.hq.example.org, ise.example.org
	BenignCloud      = "cloud"      // CDN and cloud hostnames with hash-like labels
	BenignService    = "service"    // mail and service names: mx1, autodiscover, smtp relays
)

// BenignKinds lists the benign kinds in GenerateBenign's order.
func BenignKinds() []string {
	return []string{BenignEnterprise, BenignCloud, BenignService}
}

// GenerateBenign returns n unique benign names (label 0), a third of
// each kind, family "gen-benign-<kind>". Same seed and n, same rows.
func GenerateBenign(seed uint64, n int) []datasets.Row {
	if n <= 0 {
		return nil
	}
	makers := map[string]func(*rand.Rand) string{
		BenignEnterprise: enterpriseHost, BenignCloud: cloudHost, BenignService: serviceHost,
	}
	rows := make([]datasets.Row, 0, n)
	seen := map[string]bool{}
	for ki, kind := range BenignKinds() {
		want := n / len(makers)
		if ki < n%len(makers) {
			want++
		}
		r := rand.New(rand.NewPCG(seed, 0xbe9170+uint64(ki)))
		for got, tries := 0, 0; got < want && tries < 20*want+100; tries++ {
			name := makers[kind](r)
			if seen[name] || len(name) > 253 {
				continue
			}
			seen[name] = true
			rows = append(rows, datasets.Row{Name: name, Label: 0, Family: "gen-benign-" + kind})
			got++
		}
	}
	sortRows(rows)
	return rows
}

var (
	orgTLDs = []string{"com", "com", "com", "org", "org", "net", "edu", "gov", "io", "co", "de", "co.uk", "fr", "nl",
		"ca", "com.au", "ch", "se", "it", "es", "us", "info", "ac.uk", "k12.ca.us", "gov.uk", "eu", "be", "at", "dk", "no", "fi", "pl", "jp", "cz"}
	hostRoles = []string{"dc", "ad", "dns", "ns", "fs", "file", "files", "print", "prn", "sql", "db", "web", "www", "app",
		"apps", "mail", "exch", "vpn", "fw", "sw", "rtr", "gw", "ap", "wlc", "ise", "nac", "nas", "san", "backup", "bkp",
		"sccm", "wsus", "kms", "ntp", "proxy", "git", "gitlab", "jira", "wiki", "confluence", "ci", "build", "jenkins",
		"k8s", "node", "esx", "esxi", "vcenter", "hv", "rds", "citrix", "sharepoint", "intranet", "portal", "sso", "idp",
		"adfs", "ldap", "radius", "siem", "splunk", "elk", "grafana", "nagios", "zabbix", "monitor", "log", "syslog",
		"repo", "mirror", "apt", "update", "pki", "ca", "crl", "ocsp", "time", "voip", "pbx", "sip", "cam", "nvr",
		"badge", "hr", "erp", "crm", "sap", "pos", "lab", "dev", "test", "stage", "uat", "prod", "api", "auth"}
	sites   = []string{"hq", "corp", "office", "lab", "dmz", "dc1", "dc2", "east", "west", "nyc", "lon", "fra", "sfo", "ams", "sg", "branch", "campus", "eng", "it", "ops", "int", "internal", "ad", "prod", "stg"}
	cdnBase = []string{"cloudfront.net", "akamaiedge.net", "akamaihd.net", "edgekey.net", "edgesuite.net", "fastly.net",
		"azureedge.net", "azurewebsites.net", "blob.core.windows.net", "cloudapp.net", "trafficmanager.net",
		"herokuapp.com", "firebaseio.com", "web.app", "vercel.app", "netlify.app", "workers.dev", "pages.dev",
		"googleusercontent.com", "googlevideo.com", "gvt1.com", "1e100.net", "amazonaws.com", "elb.amazonaws.com",
		"cdn77.org", "b-cdn.net", "kxcdn.com", "llnwd.net", "edgecastcdn.net", "cloudflare.net", "akamaized.net",
		"appspot.com", "ngrok.io", "github.io", "gitlab.io", "s3.amazonaws.com", "execute-api.us-east-1.amazonaws.com"}
	regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1"}
)

// orgLabel is an organisation's registered label: a word, two words, an
// acronym, a word with digits or a hyphenated pair.
func orgLabel(r *rand.Rand) string {
	w := func() string {
		switch r.IntN(4) {
		case 0:
			return adjectives[r.IntN(len(adjectives))]
		case 1:
			return lastNames[r.IntN(len(lastNames))]
		default:
			return nouns[r.IntN(len(nouns))]
		}
	}
	switch x := r.IntN(20); {
	case x < 6:
		return w()
	case x < 11:
		return w() + w()
	case x < 14:
		// Acronyms: two or three letters (ibm, bbc). Longer random letters
		// are what Conficker-like DGAs look like; as benign examples they
		// taught the model to miss those.
		return fromAlphabet(r, lettersAZ, 2+r.IntN(2))
	case x < 16:
		return w() + "-" + w()
	case x < 18:
		return fromAlphabet(r, lettersAZ, 2) + w()
	default:
		return w() + strconv.Itoa(1+r.IntN(999))
	}
}

func orgDomain(r *rand.Rand) string { return orgLabel(r) + "." + orgTLDs[r.IntN(len(orgTLDs))] }

func enterpriseHost(r *rand.Rand) string {
	org := orgDomain(r)
	role := hostRoles[r.IntN(len(hostRoles))]
	num := ""
	if r.IntN(2) == 0 {
		num = fmt.Sprintf("%02d", 1+r.IntN(40))
	}
	switch x := r.IntN(10); {
	case x < 4:
		return role + num + "." + org
	case x < 7:
		return role + num + "." + sites[r.IntN(len(sites))] + "." + org
	case x < 8: // workstation names: ws-0452, lt-jsmith, desktop-7h3k2lq (Windows' random suffix)
		return "ws-" + fmt.Sprintf("%04d", r.IntN(10000)) + "." + sites[r.IntN(len(sites))] + "." + org
	case x < 9:
		return "desktop-" + strings.ToLower(fromAlphabet(r, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 7)) + "." + sites[r.IntN(len(sites))] + "." + org
	default:
		return role + "-" + sites[r.IntN(len(sites))] + num + "." + org
	}
}

func cloudHost(r *rand.Rand) string {
	alnum := lettersAZ + digits09
	hexd := "0123456789abcdef"
	base := cdnBase[r.IntN(len(cdnBase))]
	switch base {
	case "cloudfront.net":
		return "d" + fromAlphabet(r, alnum, 13) + "." + base
	case "akamaiedge.net":
		return "e" + strconv.Itoa(r.IntN(99999)) + "." + []string{"a", "b", "d", "dscb", "dsce", "dscx", "g"}[r.IntN(7)] + "." + base
	case "akamaihd.net", "akamaized.net":
		return orgLabel(r) + "-" + fromAlphabet(r, lettersAZ, 1+r.IntN(3)) + "." + base
	case "googlevideo.com":
		return "r" + strconv.Itoa(1+r.IntN(9)) + "---sn-" + fromAlphabet(r, alnum, 8) + "." + base
	case "amazonaws.com":
		return fmt.Sprintf("ec2-%d-%d-%d-%d.%s.compute.%s", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), regions[r.IntN(len(regions))], base)
	case "elb.amazonaws.com":
		return orgLabel(r) + "-" + strconv.Itoa(r.IntN(2000000000)) + "." + regions[r.IntN(len(regions))] + "." + base
	case "execute-api.us-east-1.amazonaws.com":
		return fromAlphabet(r, lettersAZ+digits09, 10) + "." + base
	case "1e100.net":
		return fmt.Sprintf("%s%02ds%02d-in-f%d.%s", []string{"lhr", "fra", "ams", "iad", "sfo", "nrt"}[r.IntN(6)], r.IntN(50), r.IntN(30), r.IntN(30), base)
	case "blob.core.windows.net", "azurewebsites.net", "web.app", "herokuapp.com", "firebaseio.com", "vercel.app", "netlify.app", "pages.dev", "github.io", "gitlab.io", "appspot.com":
		return orgLabel(r) + "-" + fromAlphabet(r, hexd, 4+r.IntN(8)) + "." + base
	case "ngrok.io", "cloudapp.net", "trafficmanager.net":
		return fromAlphabet(r, hexd, 8+r.IntN(16)) + "." + base
	case "googleusercontent.com":
		return fromAlphabet(r, alnum, 10+r.IntN(20)) + ".apps." + base
	case "workers.dev":
		return orgLabel(r) + "." + orgLabel(r) + "." + base
	default:
		if r.IntN(2) == 0 {
			return fromAlphabet(r, hexd, 6+r.IntN(26)) + "." + base
		}
		return orgLabel(r) + "." + base
	}
}

func serviceHost(r *rand.Rand) string {
	org := orgDomain(r)
	switch x := r.IntN(12); {
	case x < 4:
		return []string{"mail", "smtp", "imap", "pop", "pop3", "mx", "mx1", "mx2", "webmail", "owa", "autodiscover",
			"autoconfig", "lyncdiscover", "sip", "enterpriseregistration", "enterpriseenrollment", "relay", "outbound", "bounce", "email"}[r.IntN(20)] + "." + org
	case x < 6:
		return strings.ReplaceAll(org, ".", "-") + ".mail.protection.outlook.com"
	case x < 7:
		return []string{"aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com"}[r.IntN(3)]
	case x < 9:
		return []string{"status", "login", "accounts", "cdn", "static", "assets", "img", "images", "media", "api", "m", "shop", "store", "blog", "docs", "help", "support", "news", "cloud", "my"}[r.IntN(20)] + "." + org
	case x < 10:
		return []string{"em", "email", "click", "links", "track", "t", "e", "go", "info", "news"}[r.IntN(10)] + strconv.Itoa(r.IntN(9999)) + "." + org
	default:
		return "s" + fromAlphabet(r, digits09, 1+r.IntN(4)) + "." + []string{"sendgrid.net", "mcsv.net", "mailgun.org", "rsgsv.net", "exacttarget.com"}[r.IntN(5)]
	}
}
