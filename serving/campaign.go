package serving

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/campaign"
)

// CampaignOptions tune how alerts are grouped into campaigns. The zero
// value takes every default.
type CampaignOptions struct {
	// Eps is DBSCAN's radius on standard-scaled features (default
	// campaign.DefaultEps, 0.5: the bot detector sets no eps, so its DBSCAN runs
	// with scikit-learn's). On domain-name features it groups near
	// duplicates only, the same name or names with the same features.
	Eps float64
	// MinSamples is how many alerts within Eps (itself included) make a
	// campaign's core (default campaign.DefaultMinSamples, 3: the bot detector's
	// CLUSTERING_MIN_SAMPLES).
	MinSamples int
	// Window is how many recent alerts of a model new ones are clustered
	// with (default 2,000, at most campaign.MaxVectors/2: a batch is
	// clustered in chunks of at most Window alerts, so one DBSCAN sees at
	// most 2·Window vectors).
	Window int
	// MaxAge drops an alert from its model's window once it is MaxAge
	// older, by SeenAt, than the model's newest alert (default 1h, seed
	// 001's feature window and dedup TTL). The window is the smaller of
	// the two bounds.
	MaxAge time.Duration
}

// DefaultCampaignWindow and DefaultCampaignMaxAge bound a model's window.
const (
	DefaultCampaignWindow = 2000
	DefaultCampaignMaxAge = time.Hour
)

// withDefaults fills zero fields and rejects values DBSCAN cannot use.
func (o CampaignOptions) withDefaults() (CampaignOptions, error) {
	if o.Eps == 0 {
		o.Eps = campaign.DefaultEps
	}
	if o.MinSamples == 0 {
		o.MinSamples = campaign.DefaultMinSamples
	}
	if o.Window == 0 {
		o.Window = DefaultCampaignWindow
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultCampaignMaxAge
	}
	switch {
	case !(o.Eps > 0) || math.IsInf(o.Eps, 1):
		return o, mlctl.Errorf(mlctl.EINVALID, "campaigns: eps %v is not a positive number", o.Eps)
	case o.MinSamples < 1:
		return o, mlctl.Errorf(mlctl.EINVALID, "campaigns: min samples %d is below 1", o.MinSamples)
	case o.Window < 1 || o.Window > campaign.MaxVectors/2:
		return o, mlctl.Errorf(mlctl.EINVALID, "campaigns: window %d is not within 1..%d", o.Window, campaign.MaxVectors/2)
	case o.MaxAge < 0:
		return o, mlctl.Errorf(mlctl.EINVALID, "campaigns: max age %v is negative", o.MaxAge)
	}
	return o, nil
}

// CampaignIDSource issues campaign IDs unique across scorers and restarts
// (*registry.DB does, from a sequence).
type CampaignIDSource interface {
	NewCampaignIDs(ctx context.Context, n int) ([]int, error)
}

// Campaigns gives alerts campaign IDs: DBSCAN (training/campaign, on
// standard-scaled features) over the feature vectors of a model's new
// alerts together with a window of its recent ones. A new alert in a
// cluster takes the ID most of the cluster's older members carry (the
// smallest on a tie), or a fresh ID when none carries one; noise, and
// alerts without a vector, get registry.NoCampaign. Older members that
// were noise and now are in the cluster carry its ID in the window from
// then on; their stored alerts keep the ID they were written with.
//
// Scaling is over window and batch together, as the bot detector scales a cycle's
// anomalies: a group is found when it is tight next to the spread of the
// other alerts. One tight group alone in a window is stretched to unit
// variance and is noise, except for identical vectors (one name looked up
// by several clients), which always group.
//
// Windows are per model SHA-256, since feature spaces differ. Campaigns is
// not safe for concurrent use: the AlertSink's writer owns it.
type Campaigns struct {
	opts    CampaignOptions
	ids     CampaignIDSource
	windows map[string]*campaignWindow
	newest  time.Time
}

// campaignWindow is one model's recent alerts, oldest first.
type campaignWindow struct {
	vectors [][]float64
	ids     []int
	seen    []time.Time
	newest  time.Time
}

// NewCampaigns returns a tracker taking fresh IDs from ids.
func NewCampaigns(ids CampaignIDSource, o CampaignOptions) (*Campaigns, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Campaigns{opts: o, ids: ids, windows: map[string]*campaignWindow{}}, nil
}

// Assign sets the Campaign of every alert. Alerts whose vector cannot be
// clustered (not finite, or another length than the model's window), and
// new campaigns when no fresh ID can be had, get registry.NoCampaign and
// an error says why; the others are assigned all the same. Assign keeps
// the alerts' vectors; callers must not change them afterwards.
func (c *Campaigns) Assign(ctx context.Context, alerts []registry.Alert) error {
	byModel := map[string][]int{}
	width := map[string]int{}
	var errs []error
	for i := range alerts {
		a := &alerts[i]
		a.Campaign = registry.NoCampaign
		if len(a.Vector) == 0 || a.SHA256 == "" {
			continue
		}
		if _, ok := width[a.SHA256]; !ok {
			width[a.SHA256] = len(a.Vector)
			if w := c.windows[a.SHA256]; w != nil && len(w.vectors) > 0 {
				width[a.SHA256] = len(w.vectors[0])
			}
		}
		if err := usable(a, width[a.SHA256]); err != nil {
			errs = append(errs, err)
			continue
		}
		byModel[a.SHA256] = append(byModel[a.SHA256], i)
	}
	models := make([]string, 0, len(byModel))
	for m := range byModel {
		models = append(models, m)
	}
	slices.Sort(models) // fresh IDs in a fixed order
	for _, m := range models {
		w := c.windows[m]
		if w == nil {
			w = &campaignWindow{}
			c.windows[m] = w
		}
		idx := byModel[m]
		for lo := 0; lo < len(idx); lo += c.opts.Window {
			if err := c.assignChunk(ctx, w, alerts, idx[lo:min(lo+c.opts.Window, len(idx))]); err != nil {
				errs = append(errs, fmt.Errorf("model %.12s: %w", m, err))
			}
		}
	}
	c.evictModels()
	return errors.Join(errs...)
}

// usable reports why an alert's vector cannot join its model's window,
// whose vectors have width features.
func usable(a *registry.Alert, width int) error {
	if len(a.Vector) != width {
		return fmt.Errorf("campaign of alert %q: %d features, model %.12s has %d", a.Input, len(a.Vector), a.SHA256, width)
	}
	for j, v := range a.Vector {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("campaign of alert %q: feature %d is %v", a.Input, j, v)
		}
	}
	return nil
}

// assignChunk clusters the window with the alerts at idx (all of one
// model), labels those alerts and adds them to the window.
func (c *Campaigns) assignChunk(ctx context.Context, w *campaignWindow, alerts []registry.Alert, idx []int) error {
	old := len(w.vectors)
	for _, i := range idx {
		w.vectors = append(w.vectors, alerts[i].Vector)
		w.ids = append(w.ids, registry.NoCampaign)
		w.seen = append(w.seen, alerts[i].SeenAt)
		if alerts[i].SeenAt.After(w.newest) {
			w.newest = alerts[i].SeenAt
		}
	}
	if w.newest.After(c.newest) {
		c.newest = w.newest
	}
	defer w.evict(c.opts)
	labels, err := campaign.Cluster(w.vectors, c.opts.Eps, c.opts.MinSamples, true)
	if err != nil {
		return err
	}
	id, fresh := clusterIDs(labels, w.ids[:old])
	var errFresh error
	if len(fresh) > 0 {
		got, err := c.ids.NewCampaignIDs(ctx, len(fresh))
		if err != nil {
			errFresh = fmt.Errorf("%d new campaigns left without an ID: %w", len(fresh), err)
		} else {
			for k, l := range fresh {
				id[l] = got[k]
			}
		}
	}
	for p, l := range labels {
		if l == campaign.Noise || w.ids[p] != registry.NoCampaign {
			continue
		}
		w.ids[p] = id[l]
		if p >= old {
			alerts[idx[p-old]].Campaign = id[l]
		}
	}
	return errFresh
}

// clusterIDs returns, per cluster label, the campaign ID most of its
// members in carried hold (smallest on a tie; NoCampaign when none holds
// one), and the labels of the clusters with a new member (beyond carried)
// but no ID, in label order.
func clusterIDs(labels, carried []int) (id []int, fresh []int) {
	clusters := 0
	for _, l := range labels {
		clusters = max(clusters, l+1)
	}
	votes := make([]map[int]int, clusters)
	hasNew := make([]bool, clusters)
	for p, l := range labels {
		switch {
		case l == campaign.Noise:
		case p >= len(carried):
			hasNew[l] = true
		case carried[p] != registry.NoCampaign:
			if votes[l] == nil {
				votes[l] = map[int]int{}
			}
			votes[l][carried[p]]++
		}
	}
	id = make([]int, clusters)
	for l := range id {
		id[l] = registry.NoCampaign
		best := 0
		for cid, n := range votes[l] {
			if n > best || n == best && cid < id[l] {
				id[l], best = cid, n
			}
		}
		if id[l] == registry.NoCampaign && hasNew[l] {
			fresh = append(fresh, l)
		}
	}
	return id, fresh
}

// evict drops alerts MaxAge older than the window's newest, then the
// oldest beyond Window.
func (w *campaignWindow) evict(o CampaignOptions) {
	cut := w.newest.Add(-o.MaxAge)
	young := 0
	for _, t := range w.seen {
		if !t.Before(cut) {
			young++
		}
	}
	skip := max(0, young-o.Window)
	keep := 0
	for p := range w.vectors {
		if w.seen[p].Before(cut) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		w.vectors[keep], w.ids[keep], w.seen[keep] = w.vectors[p], w.ids[p], w.seen[p]
		keep++
	}
	clear(w.vectors[keep:]) // let dropped vectors go
	w.vectors, w.ids, w.seen = w.vectors[:keep], w.ids[:keep], w.seen[:keep]
}

// evictModels forgets the window of a model (one taken out of service)
// whose newest alert is MaxAge older than the newest of any model.
func (c *Campaigns) evictModels() {
	cut := c.newest.Add(-c.opts.MaxAge)
	for m, w := range c.windows {
		if w.newest.Before(cut) || len(w.vectors) == 0 {
			delete(c.windows, m)
		}
	}
}
