package serving

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
)

// checkShadow keeps the Holder's shadow on the alias's open shadow: it is
// scored while the shadow is open and its champion is the model in
// service. A shadow that ended, or whose champion left service, is
// stopped (and retired, for its last stats); an open shadow of the model
// in service is started once its challenger loads and verifies. A
// challenger that does not, or that scores another kind of input than the
// champion, is not shadowed (logged once; the champion is unaffected).
// With no shadow open this is one query.
func (w *Watcher) checkShadow(ctx context.Context) {
	open, err := w.DB.OpenShadow(ctx, w.Alias)
	if err != nil && mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		if ctx.Err() == nil && !registry.Unreachable(err) { // an outage is logged once, by the link
			w.Log.Warn("read the alias's shadow", "alias", w.Alias, "error", err)
		}
		return // keep what is scored until the registry answers
	}
	cur := w.Holder.Get()
	sh := w.Holder.Shadow()
	if sh != nil && open != nil && sh.ID == open.ID && sh.Champion == cur {
		return
	}
	if sh != nil {
		why := "the shadow ended"
		switch {
		case open != nil && open.ID != sh.ID:
			why = "another shadow replaced it"
		case sh.Champion != cur:
			why = "its champion left service"
		}
		w.stopShadow(sh, why)
	}
	if open == nil || cur == nil {
		return
	}
	if open.ChampionID != cur.ID {
		if w.notShadowed != open.ID {
			w.notShadowed = open.ID
			w.Log.Info("the alias's open shadow is of another champion than the model in service: not shadowing it",
				"alias", w.Alias, "shadow", open.ID, "champion_id", open.ChampionID, "serving", cur.Ref())
		}
		return
	}
	if w.refusedShadow == open.ID {
		return // logged when refused
	}
	ch, err := w.loadChallenger(ctx, open.ChallengerID)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		w.refuseShadow(open, cur, "challenger refused; not shadowing it, the champion keeps serving alone", "error", err)
		return
	}
	if ch.Scorer.Kind() != cur.Scorer.Kind() {
		w.refuseShadow(open, cur, "challenger scores another kind of input than the champion: not shadowing it",
			"challenger", ch.Ref(), "challenger_kind", ch.Scorer.Kind(), "champion_kind", cur.Scorer.Kind())
		return
	}
	next := newShadow(open, cur, ch)
	if prev := w.stoppedShadow; prev != nil && prev.ID == open.ID {
		// The champion left service and came back: this scorer's totals
		// for the shadow go on (they replace what it recorded).
		next.stats = prev.Stats()
	}
	w.Holder.SetShadow(next)
	w.Log.Info("shadow started: scoring the challenger beside the champion (the champion alone alerts)", "alias", w.Alias,
		"shadow", open.ID, "champion", cur.Ref(), "challenger", ch.Ref(), "workflow", open.WorkflowID)
}

// loadChallenger loads and verifies a challenger like any model.
func (w *Watcher) loadChallenger(ctx context.Context, id int64) (*Model, error) {
	rm, err := w.DB.ModelByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return Load(ctx, w.DB, rm)
}

// refuseShadow logs an open shadow the scorer does not score, once.
func (w *Watcher) refuseShadow(open *registry.Shadow, cur *Model, msg string, args ...any) {
	w.refusedShadow = open.ID
	w.shadowRefused.Add(1)
	w.Log.Error(msg, append([]any{"alias", w.Alias, "shadow", open.ID, "champion", cur.Ref(), "challenger_id", open.ChallengerID}, args...)...)
}

// stopShadow stops scoring sh and hands it to ShadowRetired.
func (w *Watcher) stopShadow(sh *Shadow, why string) {
	w.Holder.SetShadow(nil)
	w.stoppedShadow = sh
	st := sh.Stats()
	w.Log.Info("shadow stopped", "alias", w.Alias, "shadow", sh.ID, "reason", why, "champion", sh.Champion.Ref(),
		"challenger", sh.Challenger.Ref(), "scored", st.Scored, "disagreements", st.Disagreements)
	if w.ShadowRetired != nil {
		w.ShadowRetired(sh)
	}
}
