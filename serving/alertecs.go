package serving

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
)

// ECSVersion is the Elastic Common Schema version of ECSAlert.
const ECSVersion = "8.11.0"

// ECSAlert is an alert as an Elastic Common Schema document: what every
// SIEM output (--sink) sends, built by NewECSAlert alone. The event is
// filed as an IDS would file it (event.kind alert, categories network and
// intrusion_detection, type info: ECS allows "indicator" only under the
// threat category, which is for threat-intelligence documents); the
// model and what it saw are under mlctl.*.
type ECSAlert struct {
	Timestamp time.Time    `json:"@timestamp"`
	Message   string       `json:"message"`
	ECS       ecsVersion   `json:"ecs"`
	Event     ecsEvent     `json:"event"`
	Rule      ecsRule      `json:"rule"`
	Source    *ecsSource   `json:"source,omitempty"`
	DNS       *ecsDNS      `json:"dns,omitempty"`
	Network   *ecsNetwork  `json:"network,omitempty"`
	Threat    ecsThreat    `json:"threat"`
	Observer  ecsObserver  `json:"observer"`
	Related   *ecsRelated  `json:"related,omitempty"`
	Tags      []string     `json:"tags"`
	MLCTL     ecsMLCTLData `json:"mlctl"`
}

type ecsVersion struct {
	Version string `json:"version"`
}

type ecsEvent struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Category  []string   `json:"category"`
	Type      []string   `json:"type"`
	Module    string     `json:"module"`
	Dataset   string     `json:"dataset"`
	Provider  string     `json:"provider,omitempty"`
	Severity  int        `json:"severity"`
	RiskScore float64    `json:"risk_score"`
	Start     *time.Time `json:"start,omitempty"`
	End       *time.Time `json:"end,omitempty"`
	Reason    string     `json:"reason"`
}

type ecsRule struct {
	Name     string `json:"name"`
	Ruleset  string `json:"ruleset"`
	Category string `json:"category"`
	Version  string `json:"version,omitempty"`
}

type ecsSource struct {
	IP string `json:"ip"`
}

type ecsDNS struct {
	Question ecsQuestion `json:"question"`
}

type ecsQuestion struct {
	Name             string `json:"name,omitempty"`
	Type             string `json:"type,omitempty"`
	RegisteredDomain string `json:"registered_domain,omitempty"`
}

type ecsNetwork struct {
	Protocol string `json:"protocol"`
}

type ecsThreat struct {
	Framework string        `json:"framework,omitempty"`
	Tactic    *ecsATTACK    `json:"tactic,omitempty"`
	Technique *ecsTechnique `json:"technique,omitempty"`
	Indicator ecsIndicator  `json:"indicator"`
}

type ecsATTACK struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Reference string `json:"reference"`
}

type ecsTechnique struct {
	ecsATTACK
	Subtechnique *ecsATTACK `json:"subtechnique,omitempty"`
}

type ecsIndicator struct {
	Type        string     `json:"type"`
	IP          string     `json:"ip,omitempty"`
	URL         *ecsURL    `json:"url,omitempty"`
	Description string     `json:"description"`
	Confidence  string     `json:"confidence"`
	Provider    string     `json:"provider"`
	LastSeen    *time.Time `json:"last_seen,omitempty"`
}

type ecsURL struct {
	Domain string `json:"domain"`
}

type ecsObserver struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
}

type ecsRelated struct {
	IP    []string `json:"ip,omitempty"`
	Hosts []string `json:"hosts,omitempty"`
}

// ecsMLCTLData is the alert as mlctl raised it: its model and every field
// of registry.Alert that has no ECS home.
type ecsMLCTLData struct {
	AlertID           string          `json:"alert_id"`
	Kind              string          `json:"kind"`
	Source            string          `json:"source"`
	Input             string          `json:"input"`
	Score             float64         `json:"score"`
	Threshold         float64         `json:"threshold"`
	Model             string          `json:"model"`
	Version           int             `json:"version"`
	SHA256            string          `json:"sha256,omitempty"`
	ScorerID          string          `json:"scorer_id"`
	CampaignID        int             `json:"campaign_id"`
	ClientBatchMedian *float64        `json:"client_batch_median,omitempty"`
	WindowStart       *time.Time      `json:"window_start,omitempty"`
	WindowSeconds     int             `json:"window_seconds,omitempty"`
	Names             []string        `json:"names,omitempty"`
	NXDomainShare     *float64        `json:"nxdomain_share,omitempty"`
	MedianScore       *float64        `json:"median_score,omitempty"`
	Domain            string          `json:"domain,omitempty"`
	Clients           []string        `json:"clients,omitempty"`
	Detail            json.RawMessage `json:"detail,omitempty"`
}

// ecsKind is what NewECSAlert files an alert kind under.
type ecsKind struct {
	rule, category, what string
	technique            *ecsTechnique
}

func attack(id, name, path string) *ecsATTACK {
	return &ecsATTACK{ID: id, Name: name, Reference: "https://attack.mitre.org/" + path + "/"}
}

var (
	attackC2  = attack("TA0011", "Command and Control", "tactics/TA0011")
	attackDGA = &ecsTechnique{ecsATTACK: *attack("T1568", "Dynamic Resolution", "techniques/T1568"),
		Subtechnique: attack("T1568.002", "Domain Generation Algorithms", "techniques/T1568/002")}
	attackDNS = &ecsTechnique{ecsATTACK: *attack("T1071", "Application Layer Protocol", "techniques/T1071"),
		Subtechnique: attack("T1071.004", "DNS", "techniques/T1071/004")}
)

var ecsKinds = map[string]ecsKind{
	registry.AlertName:   {"mlctl dga name", "dga", "a DGA-like DNS name", attackDGA},
	registry.AlertClient: {"mlctl client", "dga", "a client querying DGA-like names", attackDGA},
	registry.AlertTunnel: {"mlctl tunnel", "dns tunnel", "DNS tunnelling under a registrable domain", attackDNS},
	registry.AlertTXT:    {"mlctl txt", "dns tunnel", "a suspicious DNS TXT record", attackDNS},
	registry.AlertFlow:   {"mlctl flow", "network flow", "suspicious flows from a source", nil},
}

// NewECSAlert maps an alert to its ECS document. Its event.risk_score is
// the score × 100 and event.severity that, rounded (0–100, Elastic's risk
// scale: 21 low, 47 medium, 73 high, 99 critical).
func NewECSAlert(a *registry.Alert) ECSAlert {
	kind := a.Kind
	if kind == "" {
		kind = registry.AlertName
	}
	k, ok := ecsKinds[kind]
	if !ok {
		k = ecsKind{rule: "mlctl " + kind, category: kind, what: "a " + kind + " alert"}
	}
	risk := math.Round(a.Score*1e4) / 100
	d := ECSAlert{
		Timestamp: a.SeenAt.UTC(),
		ECS:       ecsVersion{ECSVersion},
		Event: ecsEvent{ID: a.UID, Kind: "alert", Category: []string{"network", "intrusion_detection"}, Type: []string{"info"},
			Module: "mlctl", Dataset: "mlctl.alert", Provider: a.Source, Severity: int(math.Round(a.Score * 100)), RiskScore: risk,
			Reason: fmt.Sprintf("score %.4f at or above the threshold %.4f of %s", a.Score, a.Threshold, modelRef(a))},
		Rule:     ecsRule{Name: k.rule, Ruleset: "mlctl", Category: k.category},
		Observer: ecsObserver{Name: a.ScorerID, Type: "ids", Vendor: "mlctl", Product: "mlctl"},
		Tags:     []string{"mlctl", kind},
		MLCTL: ecsMLCTLData{AlertID: a.UID, Kind: kind, Source: a.Source, Input: a.Input, Score: a.Score, Threshold: a.Threshold,
			Model: a.Model, Version: a.Version, SHA256: a.SHA256, ScorerID: a.ScorerID, CampaignID: campaignOf(a), ClientBatchMedian: a.BatchMedian,
			WindowStart: utc(a.WindowStart), WindowSeconds: a.WindowSeconds, Names: a.Names, NXDomainShare: a.NXDomainShare,
			MedianScore: a.MedianScore, Domain: a.Domain, Clients: a.Clients, Detail: detailOf(a.Detail)},
	}
	if a.Version > 0 {
		d.Rule.Version = fmt.Sprint(a.Version)
	}
	if k.technique != nil {
		d.Threat.Framework, d.Threat.Tactic, d.Threat.Technique = "MITRE ATT&CK", attackC2, k.technique
	}
	if ws := utc(a.WindowStart); ws != nil && a.WindowSeconds > 0 {
		end := ws.Add(time.Duration(a.WindowSeconds) * time.Second)
		d.Event.Start, d.Event.End = ws, &end
	}
	client := ipOf(a.ClientIP)
	if client != "" {
		d.Source = &ecsSource{IP: client}
	}
	related := &ecsRelated{}
	addIP := func(s string) {
		if ip := ipOf(s); ip != "" && !slices.Contains(related.IP, ip) {
			related.IP = append(related.IP, ip)
		}
	}
	addIP(client)
	for _, c := range a.Clients {
		addIP(c)
	}
	ind := &d.Threat.Indicator
	ind.Provider, ind.Confidence, ind.LastSeen = "mlctl", confidenceOf(a), &d.Timestamp
	var name string
	switch kind {
	case registry.AlertName:
		name = strings.TrimSuffix(a.Input, ".")
		d.DNS = &ecsDNS{Question: ecsQuestion{Name: name, RegisteredDomain: features.RegistrableDomain(strings.ToLower(name))}}
		ind.Type, ind.URL = "domain-name", &ecsURL{Domain: name}
		related.Hosts = []string{name}
	case registry.AlertTXT:
		name = txtQuery(a.Detail)
		q := ecsQuestion{Name: name, Type: "TXT"}
		if name != "" {
			q.RegisteredDomain = features.RegistrableDomain(strings.ToLower(name))
			related.Hosts = []string{name}
		}
		d.DNS = &ecsDNS{Question: q}
		ind.Type = "artifact"
	case registry.AlertTunnel:
		name = a.Domain
		d.DNS = &ecsDNS{Question: ecsQuestion{RegisteredDomain: a.Domain}}
		ind.Type, ind.URL = "domain-name", &ecsURL{Domain: a.Domain}
		related.Hosts = []string{a.Domain}
	default: // client, flow: the indicator is the source IP
		ind.Type, ind.IP = ipType(client), client
		if kind == registry.AlertClient {
			related.Hosts = a.Names
		}
	}
	if kind != registry.AlertFlow {
		d.Network = &ecsNetwork{Protocol: "dns"}
	}
	if len(related.IP) > 0 || len(related.Hosts) > 0 {
		d.Related = related
	}
	ind.Description = k.what
	d.Message = ecsMessage(a, kind, k, client, name)
	return d
}

// ecsMessage is the alert in one line, for the SIEM's event list.
func ecsMessage(a *registry.Alert, kind string, k ecsKind, client, name string) string {
	var who string
	switch {
	case kind == registry.AlertClient:
		who = fmt.Sprintf(" %s (%d names in %ds)", client, len(a.Names), a.WindowSeconds)
	case kind == registry.AlertTunnel:
		who = fmt.Sprintf(" %s (%d clients in %ds)", name, len(a.Clients), a.WindowSeconds)
	case name != "" && client != "":
		who = fmt.Sprintf(" %s from %s", name, client)
	case name != "":
		who = " " + name
	case client != "":
		who = " " + client
	}
	return fmt.Sprintf("%s:%s: %s, score %.3f (threshold %.3f, %s)", k.rule, who, k.what, a.Score, a.Threshold, modelRef(a))
}

func modelRef(a *registry.Alert) string {
	if a.Version == 0 {
		return a.Model
	}
	return fmt.Sprintf("%s@%d", a.Model, a.Version)
}

// confidenceOf is ECS's indicator confidence from how far the score is
// above the threshold: High in the top third, Medium in the middle one.
func confidenceOf(a *registry.Alert) string {
	if a.Threshold >= 1 || a.Score < a.Threshold {
		return "Low"
	}
	switch over := (a.Score - a.Threshold) / (1 - a.Threshold); {
	case over >= 2.0/3:
		return "High"
	case over >= 1.0/3:
		return "Medium"
	}
	return "Low"
}

func campaignOf(a *registry.Alert) int {
	if a.Campaign == 0 {
		return registry.NoCampaign
	}
	return a.Campaign
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// detailOf is the alert's detail when it is a JSON object (else nil:
// mlctl.detail is always an object, for the SIEM's mapping).
func detailOf(raw json.RawMessage) json.RawMessage {
	s := strings.TrimSpace(string(raw))
	if !strings.HasPrefix(s, "{") || !json.Valid(raw) {
		return nil
	}
	return raw
}

// txtQuery is the query name a TXT alert's detail names ("" if none).
func txtQuery(raw json.RawMessage) string {
	var d struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(raw, &d) != nil {
		return ""
	}
	return strings.TrimSuffix(d.Query, ".")
}

// ipOf is s as an IP address in canonical form ("" when s is none).
func ipOf(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return ip.Unmap().String()
}

func ipType(ip string) string {
	if strings.Contains(ip, ":") {
		return "ipv6-addr"
	}
	return "ipv4-addr"
}
