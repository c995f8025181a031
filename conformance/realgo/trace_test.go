// mheap-spec real-Go trace replayer.
//
// This file is compiled into the Go runtime's own external test package
// (runtime_test) through `go test -overlay`, so it can drive the real page
// allocator through the hooks in runtime/export_test.go. It reads the trace
// file named by $MHEAP_SPEC_TRACE (shared/reference/trace-format.md) and prints
// one JSON line per trace header and per op on stdout. See README.md in this
// folder for the exact output conventions.
//
// Every package-level identifier starts with "mhs" so it cannot collide with
// the other runtime_test files or with the dot-imported runtime names.

package runtime_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	. "runtime"
)

const (
	// mhsHeapAddrBits is heapAddrBits on 64-bit linux (not exported).
	mhsHeapAddrBits = 48
	// mhsMaxPages is the number of pages in the 48-bit address space. Larger
	// npages can never be satisfied, and npages*PageSize must not wrap.
	mhsMaxPages = int64(1) << (mhsHeapAddrBits - 13)
)

// mhsMalformed is a malformed-trace error (exit status 1), or with
// unsupported set, an op the real go1.19 runtime cannot replay
// deterministically (exit status 3). The message is printed verbatim.
type mhsMalformed struct {
	msg         string
	unsupported bool
}

func (e *mhsMalformed) Error() string { return e.msg }

func mhsErrf(format string, args ...any) error {
	return &mhsMalformed{msg: fmt.Sprintf(format, args...)}
}

// mhsOut writes whole lines to stdout, one write per line, so that every
// line printed before a runtime throw or a malformed op survives.
type mhsOut struct{ buf bytes.Buffer }

func (o *mhsOut) line() {
	o.buf.WriteByte('\n')
	os.Stdout.Write(o.buf.Bytes())
	o.buf.Reset()
}

func TestMheapSpecTrace(t *testing.T) {
	path := os.Getenv("MHEAP_SPEC_TRACE")
	if path == "" {
		t.Skip("MHEAP_SPEC_TRACE is not set")
	}
	f, err := os.Open(path)
	if err != nil {
		mhsExit(fmt.Sprintf("cannot read trace file: %v", err))
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	out := &mhsOut{}
	for k := 0; ; k++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			mhsExit(fmt.Sprintf("trace %d: invalid JSON: %v", k, err))
		}
		if err := mhsRunTrace(out, k, raw); err != nil {
			status := 1
			if m, ok := err.(*mhsMalformed); ok && m.unsupported {
				status = 3
			}
			mhsExitStatus(fmt.Sprintf("trace %d: %v", k, err), status)
		}
	}
}

// mhsExit reports a malformed trace: one line on stderr, exit status 1.
func mhsExit(msg string) { mhsExitStatus(msg, 1) }

// mhsExitStatus prints one line on stderr and exits. Stdout needs no flush:
// every line was written as it was produced.
func mhsExitStatus(msg string, status int) {
	os.Stderr.WriteString(strings.ReplaceAll(msg, "\n", " ") + "\n")
	os.Exit(status)
}

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
		if start < 0 || n < 0 || start+n > int64(PallocChunkPages) {
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

// ---------------------------------------------------------------- replay

type mhsRef struct {
	ok     bool  // the alloc returned a page
	freed  bool  // freed by an earlier freeRef
	base   int64 // page
	npages int64
}

type mhsReplay struct {
	out    *mhsOut
	k      int
	pa     *PageAlloc
	base0  uintptr
	chunks []mhsChunk // ascending
	grown  map[int64]bool
	// scavRandom: NewPageAlloc's random map order can lose scavenge-index
	// marks here, so scavenge results are not reproducible (see README).
	scavRandom bool
	refs       map[int64]*mhsRef // op index -> result of an alloc/cacheAlloc
	caches     []PageCache
}

func mhsRunTrace(out *mhsOut, k int, raw json.RawMessage) error {
	top, err := mhsObject(raw, "trace")
	if err != nil {
		return err
	}
	if err := mhsKeys(top, "chunks", "dumpState", "ops"); err != nil {
		return err
	}
	rc, ok := top["chunks"]
	if !ok {
		return mhsErrf("missing field \"chunks\"")
	}
	chunks, err := mhsParseChunks(rc)
	if err != nil {
		return err
	}
	if len(chunks) == 0 {
		// FreePageAlloc indexes the summary slices, which stay empty until
		// something is grown: go1.19 crashes on an allocator with no chunk.
		return mhsErrf("chunks: at least one chunk is required")
	}
	dump := false
	if r, ok := top["dumpState"]; ok {
		if dump, err = mhsBool(r, "dumpState"); err != nil {
			return err
		}
	}
	var ops []json.RawMessage
	if r, ok := top["ops"]; ok {
		if ops, err = mhsArray(r, "ops"); err != nil {
			return err
		}
	}

	mhsHeader(out, k)

	allocs := make(map[ChunkIdx][]BitRange)
	scavs := make(map[ChunkIdx][]BitRange) // never nil: absent means nothing scavenged
	grown := make(map[int64]bool)
	for _, c := range chunks {
		ci := BaseChunkIdx + ChunkIdx(c.off)
		allocs[ci] = c.alloc
		if c.scav != nil {
			scavs[ci] = c.scav
		}
		grown[c.off] = true
	}
	r := &mhsReplay{
		out:    out,
		k:      k,
		pa:     NewPageAlloc(allocs, scavs),
		base0:  PageBase(BaseChunkIdx, 0),
		chunks: chunks,
		grown:  grown,
		refs:   make(map[int64]*mhsRef),

		scavRandom: mhsScavRandom(chunks),
	}
	defer FreePageAlloc(r.pa)
	for i, op := range ops {
		if err := r.step(int64(i), op, dump); err != nil {
			out.buf.Reset()
			m, _ := err.(*mhsMalformed)
			return &mhsMalformed{msg: fmt.Sprintf("op %d: %v", i, err), unsupported: m != nil && m.unsupported}
		}
	}
	return nil
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

func mhsHeader(out *mhsOut, k int) {
	gv, _ := json.Marshal(Version())
	fmt.Fprintf(&out.buf, `{"trace":%d,"header":{"goVersion":%s,"pageSize":%d,"chunkPages":%d,"cachePages":%d,"physPageSize":%d,"physHugePageSize":%d,"baseChunkIdx":%d,"baseAddr":"0x%016x","pageAlloc64Bit":%d}}`,
		k, gv, PageSize, PallocChunkPages, PageCachePages, PhysPageSize, PhysHugePageSize,
		uint64(BaseChunkIdx), uint64(PageBase(BaseChunkIdx, 0)), PageAlloc64Bit)
	out.line()
}

func (r *mhsReplay) page(addr uintptr) int64 {
	if addr == 0 {
		return -1
	}
	return int64((addr - r.base0) / PageSize)
}

func (r *mhsReplay) addr(page int64) uintptr {
	return r.base0 + uintptr(page)*PageSize
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

func (r *mhsReplay) cacheID(m map[string]json.RawMessage) (int64, error) {
	id, err := mhsField(m, "id")
	if err != nil {
		return 0, err
	}
	if id < 0 || id >= int64(len(r.caches)) {
		return 0, mhsErrf("unknown cache id %d", id)
	}
	return id, nil
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
}

func (r *mhsReplay) step(i int64, raw json.RawMessage, dump bool) error {
	m, err := mhsObject(raw, "op")
	if err != nil {
		return err
	}
	name, ok := mhsString(m["op"])
	if !ok {
		return mhsErrf("missing or non-string field \"op\"")
	}
	fields, known := mhsOpFields[name]
	if !known {
		return mhsErrf("unknown op %q", name)
	}
	if err := mhsKeys(m, append([]string{"op", "expect", "note"}, fields...)...); err != nil {
		return err
	}

	b := &r.out.buf
	// Each case validates its fields before it touches the allocator.
	switch name {
	case "alloc":
		n, err := mhsNpages(m)
		if err != nil {
			return err
		}
		addr, scav := r.pa.Alloc(uintptr(n))
		r.refs[i] = &mhsRef{ok: addr != 0, base: r.page(addr), npages: n}
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"alloc","page":%d,"scav":%d`, r.k, i, r.page(addr), scav/PageSize)
	case "free":
		n, err := mhsNpages(m)
		if err != nil {
			return err
		}
		base, err := mhsField(m, "base")
		if err != nil {
			return err
		}
		if base < 0 || !r.grown[base/int64(PallocChunkPages)] {
			return mhsErrf("free outside grown chunks")
		}
		for c := base / int64(PallocChunkPages); c <= (base+n-1)/int64(PallocChunkPages); c++ {
			if !r.grown[c] {
				return mhsErrf("free outside grown chunks")
			}
		}
		r.pa.Free(r.addr(base), uintptr(n))
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"free"`, r.k, i)
	case "freeRef":
		ref, err := mhsField(m, "ref")
		if err != nil {
			return err
		}
		x, ok := r.refs[ref]
		if !ok || ref >= i {
			return mhsErrf("ref %d is not an earlier alloc or cacheAlloc op", ref)
		}
		base, n := int64(-1), int64(0)
		if x.ok && !x.freed {
			r.pa.Free(r.addr(x.base), uintptr(x.npages))
			x.freed = true
			base, n = x.base, x.npages
		}
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"freeRef","base":%d,"npages":%d`, r.k, i, base, n)
	case "allocToCache":
		c := r.pa.AllocToCache()
		id := len(r.caches)
		r.caches = append(r.caches, c)
		base := int64(-1)
		if !c.Empty() {
			base = r.page(c.Base())
		}
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"allocToCache","id":%d,"base":%d,"cache":"0x%016x","scav":"0x%016x"`,
			r.k, i, id, base, c.Cache(), c.Scav())
	case "cacheAlloc":
		n, err := mhsNpages(m)
		if err != nil {
			return err
		}
		id, err := r.cacheID(m)
		if err != nil {
			return err
		}
		addr, scav := r.caches[id].Alloc(uintptr(n))
		r.refs[i] = &mhsRef{ok: addr != 0, base: r.page(addr), npages: n}
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"cacheAlloc","page":%d,"scav":%d`, r.k, i, r.page(addr), scav/PageSize)
	case "cacheFlush":
		id, err := r.cacheID(m)
		if err != nil {
			return err
		}
		r.caches[id].Flush(r.pa)
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"cacheFlush"`, r.k, i)
	case "scavenge":
		n, err := mhsField(m, "npages")
		if err != nil {
			return err
		}
		var nbytes uintptr
		switch {
		case n == -1:
			nbytes = ^uintptr(0)
		case n < 1:
			return mhsErrf("npages %d < 1 (and not -1)", n)
		case n > mhsMaxPages:
			return mhsErrf("npages %d > %d (pages in the %d-bit address space)", n, mhsMaxPages, mhsHeapAddrBits)
		default:
			nbytes = uintptr(n) * PageSize
		}
		if r.scavRandom {
			return &mhsMalformed{unsupported: true, msg: fmt.Sprintf(
				"unsupported by %s: scavenge after NewPageAlloc grew %d chunks across several pages of the scavenge-index bitmap (%d chunks a page); the result depends on NewPageAlloc's random map order",
				Version(), len(r.chunks), 8*PhysPageSize)}
		}
		released := r.pa.Scavenge(nbytes)
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"scavenge","released":%d`, r.k, i, released/PageSize)
	case "inUse":
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"inUse","ranges":[`, r.k, i)
		for j, ar := range r.pa.InUse() {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "[%d,%d]", r.page(ar.Base()), r.page(ar.Limit()))
		}
		b.WriteByte(']')
	case "state":
		fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"state"`, r.k, i)
		dump = true
	}
	if dump {
		b.WriteString(`,"state":`)
		r.state(b)
	}
	b.WriteByte('}')
	r.out.line()
	return nil
}

func mhsWords(b *bytes.Buffer, w *PallocBits) {
	b.WriteByte('[')
	for j, x := range *w {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `"0x%016x"`, x)
	}
	b.WriteByte(']')
}

// state prints the grown chunks' bitmaps and summaries and the bounds.
func (r *mhsReplay) state(b *bytes.Buffer) {
	start, end := r.pa.Bounds()
	fmt.Fprintf(b, `{"bounds":[%d,%d],"chunks":[`, int64(start)-int64(BaseChunkIdx), int64(end)-int64(BaseChunkIdx))
	for j, c := range r.chunks {
		if j > 0 {
			b.WriteByte(',')
		}
		pd := r.pa.PallocData(BaseChunkIdx + ChunkIdx(c.off))
		alloc := pd.PallocBits()
		sum := alloc.Summarize()
		fmt.Fprintf(b, `{"chunk":%d,"alloc":`, c.off)
		mhsWords(b, alloc)
		b.WriteString(`,"scav":`)
		mhsWords(b, pd.Scavenged())
		fmt.Fprintf(b, `,"sum":[%d,%d,%d]}`, sum.Start(), sum.Max(), sum.End())
	}
	b.WriteString("]}")
}
