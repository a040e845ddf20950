package soak

import "github.com/mlctl/mlctl/serving"

// Inputs is what the feeds sent and what the scorer made of it.
type Inputs struct {
	Zeek   SourceResult `json:"zeek_dns"`
	Dnstap SourceResult `json:"dnstap"`
	HTTP   HTTPResult   `json:"http"`
}

// SourceResult is one streaming feed: lines or frames sent, and the
// scorer's counts of its source after the drain, as /metrics gave them.
type SourceResult struct {
	Sent   uint64               `json:"sent"`
	Scorer serving.SourceCounts `json:"scorer"`
	// Unpackable counts names the dnstap feed could not put in a DNS
	// message and did not send.
	Unpackable int64 `json:"unpackable,omitempty"`
}

// HTTPResult is the HTTP load over the whole run.
type HTTPResult struct {
	Requests    int      `json:"requests"`
	Failed      int      `json:"failed"`
	NamesScored uint64   `json:"names_scored"`
	P50Ms       float64  `json:"p50_ms"`
	P99Ms       float64  `json:"p99_ms"`
	MaxMs       float64  `json:"max_ms"`
	Errors      []string `json:"first_errors,omitempty"`
}

// Alerts are the scorer's alerts counted four ways, which must agree: by
// mlctl_alerts_total after the drain (before SIGTERM), by its final
// heartbeat, by the registry's rows and by the alerts file's lines; and
// the same alert IDs in the registry and the file, each once.
type Alerts struct {
	Metrics   map[string]uint64 `json:"metrics_before_stop"`
	Heartbeat uint64            `json:"final_heartbeat"`
	Registry  map[string]uint64 `json:"registry_rows"`
	File      map[string]uint64 `json:"file_lines"`
	// Delivery is each sink's delivery (registry, file) in the final
	// heartbeat: every alert delivered, none dropped, the spool empty.
	Delivery map[string]serving.DeliveryCounts `json:"delivery"`
	// FileDuplicates counts file lines whose alert ID an earlier line had;
	// RegistryOnly and FileOnly count IDs in one and not the other.
	FileDuplicates int `json:"file_duplicate_ids"`
	RegistryOnly   int `json:"ids_only_in_registry"`
	FileOnly       int `json:"ids_only_in_file"`
	// Deduplicated counts the name alerts not raised as repeats
	// (mlctl_alerts_deduplicated_total): by design, not a loss.
	Deduplicated uint64 `json:"deduplicated"`
	// Exact holds when every count agrees, kind by kind; Mismatch says
	// where they do not.
	Exact    bool   `json:"exact"`
	Mismatch string `json:"mismatch,omitempty"`
}

// Stop is how the scorer ended.
type Stop struct {
	DrainSeconds float64 `json:"drain_seconds"` // from the end of the load until every input was accounted for
	StopSeconds  float64 `json:"stop_seconds"`  // from SIGTERM to exit
	InTime       bool    `json:"in_time"`
	Exit         string  `json:"exit"`
}
