package serving

import "time"

// Provenance is where the model in service came from and whether the
// registry answers: what GET /healthz says beside the model.
type Provenance struct {
	// RegistryUp is false while the registry does not answer (or, at
	// start, could not be migrated); RegistryError says why.
	RegistryUp    bool
	RegistryError string
	// FromCache is true while the model in service is one read from the
	// local model cache that the registry has not confirmed yet;
	// CachedSince is when it was put in service.
	FromCache   bool
	CachedSince time.Time
	// CacheError is why the cached model was refused ("" when it was not).
	CacheError string
}

// Registry is "ok" or "unreachable".
func (p Provenance) Registry() string {
	if p.RegistryUp {
		return "ok"
	}
	return "unreachable"
}

// ModelSource is "cache" or "registry".
func (p Provenance) ModelSource() string {
	if p.FromCache {
		return "cache"
	}
	return "registry"
}

// provenance is the Provenance of the scorer with m in service.
func (s *Server) provenance(m *Model) Provenance {
	up, why, _ := s.link.State()
	p := Provenance{RegistryUp: up, RegistryError: why, CacheError: s.watcher.CacheError()}
	p.CachedSince, p.FromCache = s.watcher.FromCache(m)
	return p
}
