package dnslog

import (
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// pending is a query waiting for its reply line.
type pending struct {
	rec      datasets.DNSRecord
	keys     []string
	answered bool
}

// joinTable holds the queries waiting for their reply lines, by join key,
// for the join window (at most maxPending of them, the oldest dropped).
type joinTable struct {
	window time.Duration
	byKey  map[string][]*pending
	// queue holds them in arrival order; queue[head:] are held.
	queue []*pending
	head  int
}

// idKey is the join key of a query or reply by id.
func (f *Format) idKey(id, client string) string {
	if !f.idClient {
		client = ""
	}
	return "i\x00" + id + "\x00" + client
}

// nameKey is the join key of a query or reply by name.
func (f *Format) nameKey(name, client string) string {
	if !f.nameClient {
		client = ""
	}
	return "n\x00" + strings.ToLower(name) + "\x00" + client
}

// add holds q under its keys.
func (j *joinTable) add(q *pending) {
	if len(q.keys) == 0 {
		return
	}
	j.expire(q.rec.Time)
	if len(j.queue)-j.head >= maxPending {
		j.drop(j.queue[j.head])
		j.queue[j.head] = nil
		j.head++
	}
	j.queue = append(j.queue, q)
	for _, k := range q.keys {
		j.byKey[k] = append(j.byKey[k], q)
	}
	if j.head > 1024 && j.head*2 > len(j.queue) {
		j.queue = append(j.queue[:0], j.queue[j.head:]...)
		j.head = 0
	}
}

// expire drops the queries asked more than the window before now.
func (j *joinTable) expire(now time.Time) {
	limit := now.Add(-j.window)
	for j.head < len(j.queue) && j.queue[j.head].rec.Time.Before(limit) {
		j.drop(j.queue[j.head])
		j.queue[j.head] = nil
		j.head++
	}
}

// drop forgets q under each of its keys.
func (j *joinTable) drop(q *pending) {
	for _, k := range q.keys {
		list := j.byKey[k]
		for i, e := range list {
			if e == q {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(j.byKey, k)
		} else {
			j.byKey[k] = list
		}
	}
}

// takeLatest answers the newest query under key (an id names one query):
// it returns it, or nil and whether it was answered already.
func (j *joinTable) takeLatest(key string, now time.Time) (*pending, bool) {
	j.expire(now)
	list := j.byKey[key]
	if len(list) == 0 {
		return nil, false
	}
	q := list[len(list)-1]
	if q.answered {
		return nil, true
	}
	q.answered = true
	return q, false
}

// takeOldest answers the oldest query under key not answered yet (a name
// may be asked again before the first answer): it returns it, or nil and
// whether one under key was answered already.
func (j *joinTable) takeOldest(key string, now time.Time) (*pending, bool) {
	j.expire(now)
	list := j.byKey[key]
	for _, q := range list {
		if !q.answered {
			q.answered = true
			return q, false
		}
	}
	return nil, len(list) > 0
}

// takeNewest answers the newest query not answered yet, nil when none is
// held.
func (j *joinTable) takeNewest(now time.Time) *pending {
	j.expire(now)
	for i := len(j.queue) - 1; i >= j.head; i-- {
		if q := j.queue[i]; q != nil && !q.answered {
			q.answered = true
			return q
		}
	}
	return nil
}
