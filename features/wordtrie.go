package features

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
)

// trieWordEnd marks a node where a word ends; bits 0..25 mark children a..z.
const trieWordEnd = 1 << 31

// trieNode is one node of a wordTrie: a child bitmap and the index of its
// first child. Children are stored next to each other in letter order, so
// the child for letter c is first + popcount(mask below c).
type trieNode struct {
	mask  uint32
	first int32
}

// wordTrie is a compact, read-only trie of lower-case a-z words.
type wordTrie struct {
	nodes []trieNode
	ids   []int32 // ids[n] numbers the word ending at node n 0, 1, ... (-1: none)
	words int     // how many distinct words
}

// newWordTrie builds a trie of words; each must be non-empty and a-z only.
func newWordTrie(words []string) (*wordTrie, error) {
	sorted := make([]string, len(words))
	copy(sorted, words)
	sort.Strings(sorted)
	for _, w := range sorted {
		if w == "" || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			return nil, fmt.Errorf("word %q is not lower-case a-z", w)
		}
	}
	type span struct {
		node   int32
		lo, hi int // sorted[lo:hi] share the node's prefix
		depth  int
	}
	t := &wordTrie{nodes: []trieNode{{}}}
	queue := []span{{node: 0, lo: 0, hi: len(sorted)}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		lo := s.lo
		for lo < s.hi && len(sorted[lo]) == s.depth {
			t.nodes[s.node].mask |= trieWordEnd // duplicates collapse here
			lo++
		}
		t.nodes[s.node].first = int32(len(t.nodes))
		for lo < s.hi {
			c := sorted[lo][s.depth]
			hi := lo
			for hi < s.hi && sorted[hi][s.depth] == c {
				hi++
			}
			t.nodes[s.node].mask |= 1 << (c - 'a')
			child := int32(len(t.nodes))
			t.nodes = append(t.nodes, trieNode{})
			queue = append(queue, span{node: child, lo: lo, hi: hi, depth: s.depth + 1})
			lo = hi
		}
	}
	t.ids = make([]int32, len(t.nodes))
	for n := range t.nodes {
		t.ids[n] = -1
		if t.isWord(int32(n)) {
			t.ids[n] = int32(t.words)
			t.words++
		}
	}
	return t, nil
}

// wordID returns the number of the word ending at node n, or -1.
func (t *wordTrie) wordID(n int32) int32 { return t.ids[n] }

// child returns the node reached from n by letter c (0..25), or -1.
func (t *wordTrie) child(n int32, c uint32) int32 {
	m := t.nodes[n].mask
	if m&(1<<c) == 0 {
		return -1
	}
	return t.nodes[n].first + int32(bits.OnesCount32(m&(1<<c-1)))
}

// isWord reports whether node n ends a word.
func (t *wordTrie) isWord(n int32) bool { return t.nodes[n].mask&trieWordEnd != 0 }

// contains reports whether w is one of the trie's words.
func (t *wordTrie) contains(w string) bool {
	n := int32(0)
	for i := 0; i < len(w); i++ {
		c := uint32(w[i] - 'a')
		if c >= 26 {
			return false
		}
		if n = t.child(n, c); n < 0 {
			return false
		}
	}
	return t.isWord(n)
}
