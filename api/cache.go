package api

import (
	"sync"
)

// viewCache keeps rendered views, keyed by everything that decides their
// bytes (the request, the caller's vendor scope, the project's version and,
// for questions about now, the second). A view of a given version never
// changes, so nothing needs invalidating: new versions make new keys, and
// the oldest entries leave when the cache is full.
type viewCache struct {
	mu    sync.Mutex
	items map[string]cachedView
	order []string // insertion order, for eviction
	bytes int
	max   int
}

type cachedView struct {
	body []byte
	etag string
}

func newViewCache(maxBytes int) *viewCache {
	return &viewCache{items: map[string]cachedView{}, max: maxBytes}
}

func (c *viewCache) get(key string) (cachedView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[key]
	return v, ok
}

func (c *viewCache) put(key string, v cachedView) {
	if len(v.body) > c.max/8 {
		return // one huge view would push out everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		return
	}
	for c.bytes+len(v.body) > c.max && len(c.order) > 0 {
		oldest := c.order[0]
		c.order = c.order[1:]
		c.bytes -= len(c.items[oldest].body)
		delete(c.items, oldest)
	}
	c.items[key] = v
	c.order = append(c.order, key)
	c.bytes += len(v.body)
}
