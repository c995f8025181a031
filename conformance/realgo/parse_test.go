// mheap-spec real-Go trace replayer: reading and checking a trace.
//
// Overlaid into the runtime's test package next to trace_test.go. A trace's
// top level (chunks, dumpState, ops) and each op are checked here, with the
// messages pinned in README.md, before anything touches the allocator.
// Top-level names start with "mhs", as in trace_test.go.

package runtime_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	. "runtime"
)

// ---------------------------------------------------------------- parsing

func mhsObject(raw json.RawMessage, what string) (map[string]json.RawMessage, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '{' {
		return nil, mhsErrf("%s is not a JSON object", what)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, mhsErrf("%s: %v", what, err)
	}
	return m, nil
}

func mhsArray(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '[' {
		return nil, mhsErrf("%s is not a JSON array", what)
	}
	var a []json.RawMessage
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, mhsErrf("%s: %v", what, err)
	}
	return a, nil
}

// mhsInt accepts only a plain JSON integer (no fraction, no exponent) that
// fits in an int64.
func mhsInt(raw json.RawMessage, what string) (int64, error) {
	s := string(bytes.TrimSpace(raw))
	digits := strings.TrimPrefix(s, "-")
	ok := len(digits) > 0 && (digits == "0" || digits[0] != '0')
	for i := 0; ok && i < len(digits); i++ {
		ok = digits[i] >= '0' && digits[i] <= '9'
	}
	if !ok {
		return 0, mhsErrf("%s must be an integer, got %s", what, s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, mhsErrf("%s out of range: %s", what, s)
	}
	return v, nil
}

func mhsBool(raw json.RawMessage, what string) (bool, error) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, mhsErrf("%s must be true or false", what)
}

func mhsString(raw json.RawMessage) (string, bool) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return "", false
	}
	return s, true
}

// mhsKeys rejects keys outside allowed, in sorted order (deterministic message).
func mhsKeys(m map[string]json.RawMessage, allowed ...string) error {
	var bad []string
	for k := range m {
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return mhsErrf("unknown field %q", bad[0])
}

type mhsChunk struct {
	off         int64 // chunk offset from BaseChunkIdx
	alloc, scav []BitRange
}

func mhsRanges(raw json.RawMessage, what string) ([]BitRange, error) {
	elems, err := mhsArray(raw, what)
	if err != nil {
		return nil, err
	}
	var out []BitRange
	for j, e := range elems {
		w := fmt.Sprintf("%s[%d]", what, j)
		pair, err := mhsArray(e, w)
		if err != nil {
			return nil, err
		}
		if len(pair) != 2 {
			return nil, mhsErrf("%s must be [start, npages]", w)
		}
		start, err := mhsInt(pair[0], w+" start")
		if err != nil {
			return nil, err
		}
		n, err := mhsInt(pair[1], w+" npages")
		if err != nil {
			return nil, err
		}
		if start < 0 || n < 0 || start > int64(PallocChunkPages) || n > int64(PallocChunkPages)-start {
			return nil, mhsErrf("%s: range [%d, +%d) outside its chunk", w, start, n)
		}
		out = append(out, BitRange{I: uint(start), N: uint(n)})
	}
	return out, nil
}

func mhsParseChunks(raw json.RawMessage) ([]mhsChunk, error) {
	elems, err := mhsArray(raw, "chunks")
	if err != nil {
		return nil, err
	}
	maxChunk := int64((uint64(1)<<mhsHeapAddrBits)/(uint64(PallocChunkPages)*uint64(PageSize))) - int64(BaseChunkIdx)
	seen := map[int64]bool{}
	var out []mhsChunk
	for j, e := range elems {
		w := fmt.Sprintf("chunks[%d]", j)
		m, err := mhsObject(e, w)
		if err != nil {
			return nil, err
		}
		if err := mhsKeys(m, "chunk", "alloc", "scav"); err != nil {
			return nil, mhsErrf("%s: %v", w, err)
		}
		c := mhsChunk{}
		rc, ok := m["chunk"]
		if !ok {
			return nil, mhsErrf("%s: missing field \"chunk\"", w)
		}
		if c.off, err = mhsInt(rc, w+" chunk"); err != nil {
			return nil, err
		}
		if c.off < 0 || c.off >= maxChunk {
			return nil, mhsErrf("%s: chunk %d outside the %d-bit address space (0 <= chunk < %d)", w, c.off, mhsHeapAddrBits, maxChunk)
		}
		if seen[c.off] {
			return nil, mhsErrf("%s: duplicate chunk %d", w, c.off)
		}
		seen[c.off] = true
		if r, ok := m["alloc"]; ok {
			if c.alloc, err = mhsRanges(r, w+".alloc"); err != nil {
				return nil, err
			}
		}
		if r, ok := m["scav"]; ok {
			if c.scav, err = mhsRanges(r, w+".scav"); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].off < out[b].off })
	return out, nil
}

// ---------------------------------------------------------------- setup

// mhsSetup is a trace's validated top level.
type mhsSetup struct {
	chunks []mhsChunk // ascending
	dump   bool
	ops    []json.RawMessage
}

// mhsReadSetup checks a trace's top level. Nothing is printed for a trace
// whose top level is malformed, not even its header.
func mhsReadSetup(raw json.RawMessage) (*mhsSetup, error) {
	top, err := mhsObject(raw, "trace")
	if err != nil {
		return nil, err
	}
	if err := mhsKeys(top, "chunks", "dumpState", "ops"); err != nil {
		return nil, err
	}
	rc, ok := top["chunks"]
	if !ok {
		return nil, mhsErrf("missing field \"chunks\"")
	}
	st := &mhsSetup{}
	if st.chunks, err = mhsParseChunks(rc); err != nil {
		return nil, err
	}
	if len(st.chunks) == 0 {
		// FreePageAlloc indexes the summary slices, which stay empty until
		// something is grown: go1.19 crashes on an allocator with no chunk.
		return nil, mhsErrf("chunks: at least one chunk is required")
	}
	if r, ok := top["dumpState"]; ok {
		if st.dump, err = mhsBool(r, "dumpState"); err != nil {
			return nil, err
		}
	}
	if r, ok := top["ops"]; ok {
		if st.ops, err = mhsArray(r, "ops"); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// mhsNewPageAlloc grows the trace's chunks with NewPageAlloc.
func mhsNewPageAlloc(chunks []mhsChunk) *PageAlloc {
	allocs := make(map[ChunkIdx][]BitRange)
	scavs := make(map[ChunkIdx][]BitRange) // never nil: absent means nothing scavenged
	for _, c := range chunks {
		ci := BaseChunkIdx + ChunkIdx(c.off)
		allocs[ci] = c.alloc
		if c.scav != nil {
			scavs[ci] = c.scav
		}
	}
	return NewPageAlloc(allocs, scavs)
}

// mhsScavRandom reports whether the go1.19 scavenge index of a NewPageAlloc
// built from these chunks depends on the (random) order in which NewPageAlloc
// iterates its chunks map. scavengeIndex.sysGrow (mpagealloc_64bit.go) maps
// the index bitmap a physical page at a time and treats s.min == 0 as "unset"
// although the first grow legitimately sets it to 0; a grow above the mapped
// range then raises s.min, and a later grow below it maps (and so zeroes) the
// index pages in between, erasing the marks NewPageAlloc set for chunks grown
// earlier. That needs at least three chunks whose index bytes lie in at least
// two index pages; with fewer, every grow order gives the same index.
func mhsScavRandom(chunks []mhsChunk) bool {
	if len(chunks) < 3 {
		return false
	}
	chunksPerIndexPage := int64(8 * PhysPageSize)
	page := func(c mhsChunk) int64 { return (int64(BaseChunkIdx) + c.off) / chunksPerIndexPage }
	return page(chunks[0]) != page(chunks[len(chunks)-1]) // chunks are sorted
}

// ---------------------------------------------------------------- ops

// mhsOp is a checked op. Pages count from PageBase(BaseChunkIdx, 0).
type mhsOp struct {
	name   string
	npages int64 // alloc, free, cacheAlloc, scavenge, scavengeBg (-1: no limit)
	base   int64 // free
	ref    int64 // freeRef
	id     int64 // cacheAlloc, cacheFlush
}

// mhsOpFields lists each op's input fields ("op", "expect", "note" are always allowed).
var mhsOpFields = map[string][]string{
	"alloc":        {"npages"},
	"free":         {"base", "npages"},
	"freeRef":      {"ref"},
	"allocToCache": nil,
	"cacheAlloc":   {"id", "npages"},
	"cacheFlush":   {"id"},
	"scavenge":     {"npages"},
	"inUse":        nil,
	"state":        nil,
	"scavengeBg":   {"npages"},
	"nextGen":      nil,
	"index":        nil,
}

// mhsField reads a required integer field.
func mhsField(m map[string]json.RawMessage, name string) (int64, error) {
	raw, ok := m[name]
	if !ok {
		return 0, mhsErrf("missing field %q", name)
	}
	return mhsInt(raw, name)
}

// mhsNpages reads a required npages field: 1 <= npages <= 2^35.
func mhsNpages(m map[string]json.RawMessage) (int64, error) {
	n, err := mhsField(m, "npages")
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, mhsErrf("npages %d < 1", n)
	}
	if n > mhsMaxPages {
		return 0, mhsErrf("npages %d > %d (pages in the %d-bit address space)", n, mhsMaxPages, mhsHeapAddrBits)
	}
	return n, nil
}

// mhsDecoder checks a trace's ops in order, before they touch the allocator.
// Checking op i needs only what came before it: which ops were alloc or
// cacheAlloc, and how many caches allocToCache made.
type mhsDecoder struct {
	grown     map[int64]bool
	allocLike map[int64]bool
	caches    int64
}

func mhsNewDecoder(chunks []mhsChunk) *mhsDecoder {
	d := &mhsDecoder{grown: make(map[int64]bool), allocLike: make(map[int64]bool)}
	for _, c := range chunks {
		d.grown[c.off] = true
	}
	return d
}

func (d *mhsDecoder) cacheID(m map[string]json.RawMessage) (int64, error) {
	id, err := mhsField(m, "id")
	if err != nil {
		return 0, err
	}
	if id < 0 || id >= d.caches {
		return 0, mhsErrf("unknown cache id %d", id)
	}
	return id, nil
}

// decode checks op i (which must be the next op) and returns it.
func (d *mhsDecoder) decode(i int64, raw json.RawMessage) (mhsOp, error) {
	m, err := mhsObject(raw, "op")
	if err != nil {
		return mhsOp{}, err
	}
	name, ok := mhsString(m["op"])
	if !ok {
		return mhsOp{}, mhsErrf("missing or non-string field \"op\"")
	}
	fields, known := mhsOpFields[name]
	if !known {
		return mhsOp{}, mhsErrf("unknown op %q", name)
	}
	if err := mhsKeys(m, append([]string{"op", "expect", "note"}, fields...)...); err != nil {
		return mhsOp{}, err
	}
	op := mhsOp{name: name}
	switch name {
	case "alloc":
		if op.npages, err = mhsNpages(m); err != nil {
			return op, err
		}
		d.allocLike[i] = true
	case "free":
		if op.npages, err = mhsNpages(m); err != nil {
			return op, err
		}
		if op.base, err = mhsField(m, "base"); err != nil {
			return op, err
		}
		if op.base < 0 {
			return op, mhsErrf("free outside grown chunks")
		}
		for c := op.base / int64(PallocChunkPages); c <= (op.base+op.npages-1)/int64(PallocChunkPages); c++ {
			if !d.grown[c] {
				return op, mhsErrf("free outside grown chunks")
			}
		}
	case "freeRef":
		if op.ref, err = mhsField(m, "ref"); err != nil {
			return op, err
		}
		if !d.allocLike[op.ref] || op.ref >= i {
			return op, mhsErrf("ref %d is not an earlier alloc or cacheAlloc op", op.ref)
		}
	case "allocToCache":
		d.caches++
	case "cacheAlloc":
		if op.npages, err = mhsNpages(m); err != nil {
			return op, err
		}
		if op.id, err = d.cacheID(m); err != nil {
			return op, err
		}
		d.allocLike[i] = true
	case "cacheFlush":
		if op.id, err = d.cacheID(m); err != nil {
			return op, err
		}
	case "scavenge", "scavengeBg":
		if op.npages, err = mhsField(m, "npages"); err != nil {
			return op, err
		}
		switch {
		case op.npages == -1:
		case op.npages < 1:
			return op, mhsErrf("npages %d < 1 (and not -1)", op.npages)
		case op.npages > mhsMaxPages:
			return op, mhsErrf("npages %d > %d (pages in the %d-bit address space)", op.npages, mhsMaxPages, mhsHeapAddrBits)
		}
	}
	return op, nil
}
