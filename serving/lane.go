package serving

import (
	"context"
	"hash/fnv"
	"os"
	"sync"

	"github.com/mlctl/mlctl/registry"
)

// lane serves one more alias in the scorer process (serve --domain-alias):
// its own model holder, alias watcher, heartbeat (a scorer row of that
// alias, so its rollouts see this scorer) and recorder, beside the
// scorer's main alias. Its model scores domain windows; the DNS sources
// and alert sinks are the scorer's.
type lane struct {
	alias    string
	id       string
	holder   *Holder
	watcher  *Watcher
	beat     *Heartbeat
	recorder *Recorder
}

// newLane prepares the lane of alias for scorer s.
func (s *Server) newLane(alias string) *lane {
	l := &lane{alias: alias, id: s.id + "/" + alias, holder: &Holder{}}
	l.recorder = &Recorder{DB: s.db, Holder: l.holder, ScorerID: l.id, Log: s.log, StatsEvery: s.cfg.Heartbeat, SampleEvery: s.cfg.SampleFlush, Link: s.link}
	seed := fnv.New64a()
	seed.Write([]byte(l.id))
	l.watcher = &Watcher{DB: s.db, Alias: alias, Holder: l.holder, Log: s.log.With("alias", alias), Poll: s.cfg.Poll,
		SampleSize: s.cfg.DriftSample, SampleSeed: seed.Sum64(), ModelRetired: l.recorder.RetireModel, ShadowRetired: l.recorder.RetireShadow,
		Link: s.link}
	if s.cfg.StateDir != "" {
		l.watcher.Cache = NewModelCache(s.cfg.StateDir)
	}
	l.beat = NewHeartbeat(s.db, s.cfg.Heartbeat, s.log, func() registry.ScorerBeat { return s.laneBeat(l) })
	l.beat.Link = s.link
	l.watcher.Changed = l.beat.Kick
	return l
}

// run starts the lane's loops on bg (after the registry is ready for those
// that write to it) and returns at once; wg tracks them.
func (l *lane) run(bg context.Context, wg *sync.WaitGroup, afterRegistry func(func(context.Context))) {
	wg.Add(1)
	go func() { defer wg.Done(); l.watcher.Run(bg) }()
	afterRegistry(l.beat.Run)
	afterRegistry(l.recorder.Run)
}

// laneBeat describes lane l as a scorer of its alias.
func (s *Server) laneBeat(l *lane) registry.ScorerBeat {
	st := l.watcher.Status()
	c := Counters{Swaps: l.watcher.Swaps(), RefusedModels: l.watcher.Refusals(), RefusedShadows: l.watcher.ShadowRefusals()}
	if s.domains != nil {
		c.DNSDomain = s.domains.Counters().Counts()
		c.Alerts = s.alerts.RaisedKind(registry.AlertTunnel)
	}
	b := registry.ScorerBeat{ID: l.id, Host: s.host, PID: os.Getpid(), Alias: l.alias, Listen: s.listenDesc(),
		ChangeID: st.ChangeID, RefusedModelID: st.RefusedModelID, LastError: st.LastError, StartedAt: s.started, Counters: c}
	if m := l.holder.Get(); m != nil {
		b.ModelID, b.SHA256, b.LoadedAt = m.ID, m.SHA256, m.LoadedAt
	}
	return b
}
