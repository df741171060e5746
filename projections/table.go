package projections

import (
	"encoding/json"
	"hash/maphash"
	"iter"
	"maps"
	"slices"
	"strings"
)

// tableShards is how many parts a Table is split into: a write after a
// clone copies one part, not the table.
const tableShards = 256

// Table is a map from item id to item that clones in constant time and
// copies on write, one shard at a time. It is how the engine keeps a
// snapshot every few hundred events without copying the whole state each
// time: a snapshot shares every shard the events since have not touched.
//
// A Table is not safe for concurrent writes; a frozen table (a snapshot)
// is never written and may be read and cloned concurrently.
type Table[T any] struct {
	shards [tableShards]*shard[T]
	owner  *owner // shards with this owner are ours to change; nil: frozen
	n      int
}

// shard holds its items sorted by id, as pointers to immutable values:
// copying a shard copies a short slice of pointers, and an item changed
// after a clone is a new value. Shards are small (a few items), so a slice
// beats a map on copying, memory and lookup alike.
type shard[T any] struct {
	owner *owner
	items []entry[T]
}

type entry[T any] struct {
	id   string
	item *T
}

// find returns where id is or would go in the shard.
func (sh *shard[T]) find(id string) (int, bool) {
	return slices.BinarySearchFunc(sh.items, id, func(e entry[T], id string) int { return strings.Compare(e.id, id) })
}

// owner marks which table may change a shard in place.
type owner struct{ _ byte }

// seed hashes ids to shards. It is fixed for the process; a shard's
// contents are never persisted, so the seed never needs to be stable.
var seed = maphash.MakeSeed()

// NewTable returns an empty table.
func NewTable[T any]() *Table[T] { return &Table[T]{owner: new(owner)} }

func shardOf(id string) int { return int(maphash.String(seed, id) % tableShards) }

// Get returns the item with id.
func (t *Table[T]) Get(id string) (T, bool) {
	var zero T
	sh := t.shards[shardOf(id)]
	if sh == nil {
		return zero, false
	}
	i, ok := sh.find(id)
	if !ok {
		return zero, false
	}
	return *sh.items[i].item, true
}

// Set stores v under id.
func (t *Table[T]) Set(id string, v T) {
	sh := t.writable(shardOf(id))
	i, ok := sh.find(id)
	if ok {
		sh.items[i].item = &v
		return
	}
	sh.items = slices.Insert(sh.items, i, entry[T]{id: id, item: &v})
	t.n++
}

// Update changes the item with id in place (by value); a missing item
// starts from the zero value.
func (t *Table[T]) Update(id string, change func(*T)) {
	v, _ := t.Get(id)
	change(&v)
	t.Set(id, v)
}

// writable returns shard i, copied first if another table shares it.
func (t *Table[T]) writable(i int) *shard[T] {
	if t.owner == nil {
		panic("projections: write to a frozen table")
	}
	sh := t.shards[i]
	switch {
	case sh == nil:
		sh = &shard[T]{owner: t.owner}
		t.shards[i] = sh
	case sh.owner != t.owner:
		sh = &shard[T]{owner: t.owner, items: slices.Clone(sh.items)}
		t.shards[i] = sh
	}
	return sh
}

// Len returns the number of items.
func (t *Table[T]) Len() int { return t.n }

// All yields every item, in no particular order.
func (t *Table[T]) All() iter.Seq2[string, T] {
	return func(yield func(string, T) bool) {
		for _, sh := range t.shards {
			if sh == nil {
				continue
			}
			for _, e := range sh.items {
				if !yield(e.id, *e.item) {
					return
				}
			}
		}
	}
}

// Clone returns a writable copy in constant time. Both tables copy a shard
// before changing it from then on; a frozen table is left untouched.
func (t *Table[T]) Clone() *Table[T] {
	c := &Table[T]{shards: t.shards, n: t.n, owner: new(owner)}
	if t.owner != nil {
		t.owner = new(owner)
	}
	return c
}

// freeze makes t read-only, safe to read and clone concurrently.
func (t *Table[T]) freeze() { t.owner = nil }

// MarshalJSON writes the table as a JSON object (keys sorted).
func (t *Table[T]) MarshalJSON() ([]byte, error) { return json.Marshal(maps.Collect(t.All())) }
