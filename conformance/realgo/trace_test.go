// mheap-spec real-Go trace replayer.
//
// This file is compiled into the Go runtime's own external test package
// (runtime_test) through `go test -overlay`, so it can drive the real page
// allocator through the hooks in runtime/export_test.go. It reads the trace
// file named by $MHEAP_SPEC_TRACE, or stdin for "-"
// (shared/reference/trace-format.md), and prints one JSON line per trace
// header and per op on stdout. See README.md in this folder for the exact
// output conventions. parse_test.go checks the input; time_test.go is the
// timing mode (MHEAP_SPEC_TIME=1). On go1.21 and newer, index_test.go and
// index_export_test.go add the scavenge index's ops (scavengeBg, nextGen,
// index); without them (go1.19) those ops are unsupported (exit 3).
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

// mhsIndexAPI reaches the go1.21+ scavenge index of a PageAlloc: the
// background scavenger, nextGen, and the index's state. index_test.go sets
// mhsIndex from index_export_test.go's runtime internals; it stays nil on
// go1.19, whose index is a different structure (one bit per chunk).
type mhsIndexAPI struct {
	scavengeBg func(p *PageAlloc, nbytes uintptr) uintptr
	nextGen    func(p *PageAlloc)
	chunk      func(p *PageAlloc, ci ChunkIdx) (inUse, lastInUse uint16, gen uint32, flags uint8)
	cursors    func(p *PageAlloc) (gen uint32, bg uintptr, bgMarked bool, force uintptr, forceMarked bool, freeHWM uintptr)
}

var mhsIndex *mhsIndexAPI

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
	f := os.Stdin // "-": a stream of traces on stdin, answered one by one
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			mhsExit(fmt.Sprintf("cannot read trace file: %v", err))
		}
		defer f.Close()
	}
	dec := json.NewDecoder(bufio.NewReader(f))
	out := &mhsOut{}
	run := mhsRunTrace
	if os.Getenv("MHEAP_SPEC_TIME") == "1" {
		run = mhsTimeTrace // time_test.go
	}
	for k := 0; ; k++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			mhsExit(fmt.Sprintf("trace %d: invalid JSON: %v", k, err))
		}
		if err := run(out, k, raw); err != nil {
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
	// scavRandom: NewPageAlloc's random map order can lose scavenge-index
	// marks here, so scavenge results are not reproducible (see README).
	scavRandom bool
	refs       map[int64]*mhsRef // op index -> result of an alloc/cacheAlloc
	caches     []PageCache
}

func mhsRunTrace(out *mhsOut, k int, raw json.RawMessage) error {
	st, err := mhsReadSetup(raw)
	if err != nil {
		return err
	}

	mhsHeader(out, k)

	r := &mhsReplay{
		out:        out,
		k:          k,
		pa:         mhsNewPageAlloc(st.chunks),
		base0:      PageBase(BaseChunkIdx, 0),
		chunks:     st.chunks,
		scavRandom: mhsIndex == nil && mhsScavRandom(st.chunks),
		refs:       make(map[int64]*mhsRef),
	}
	defer FreePageAlloc(r.pa)
	d := mhsNewDecoder(st.chunks)
	for i, raw := range st.ops {
		op, err := d.decode(int64(i), raw)
		if err == nil {
			err = r.step(int64(i), op, st.dump)
		}
		if err != nil {
			out.buf.Reset()
			m, _ := err.(*mhsMalformed)
			return &mhsMalformed{msg: fmt.Sprintf("op %d: %v", i, err), unsupported: m != nil && m.unsupported}
		}
	}
	return nil
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

// step runs a checked op on the real allocator and prints its line.
func (r *mhsReplay) step(i int64, op mhsOp, dump bool) error {
	b := &r.out.buf
	fmt.Fprintf(b, `{"trace":%d,"i":%d,"op":"%s"`, r.k, i, op.name)
	switch op.name {
	case "alloc":
		addr, scav := r.pa.Alloc(uintptr(op.npages))
		r.refs[i] = &mhsRef{ok: addr != 0, base: r.page(addr), npages: op.npages}
		fmt.Fprintf(b, `,"page":%d,"scav":%d`, r.page(addr), scav/PageSize)
	case "free":
		r.pa.Free(r.addr(op.base), uintptr(op.npages))
	case "freeRef":
		x := r.refs[op.ref]
		base, n := int64(-1), int64(0)
		if x.ok && !x.freed {
			r.pa.Free(r.addr(x.base), uintptr(x.npages))
			x.freed = true
			base, n = x.base, x.npages
		}
		fmt.Fprintf(b, `,"base":%d,"npages":%d`, base, n)
	case "allocToCache":
		c := r.pa.AllocToCache()
		id := len(r.caches)
		r.caches = append(r.caches, c)
		base := int64(-1)
		if !c.Empty() {
			base = r.page(c.Base())
		}
		fmt.Fprintf(b, `,"id":%d,"base":%d,"cache":"0x%016x","scav":"0x%016x"`, id, base, c.Cache(), c.Scav())
	case "cacheAlloc":
		addr, scav := r.caches[op.id].Alloc(uintptr(op.npages))
		r.refs[i] = &mhsRef{ok: addr != 0, base: r.page(addr), npages: op.npages}
		fmt.Fprintf(b, `,"page":%d,"scav":%d`, r.page(addr), scav/PageSize)
	case "cacheFlush":
		r.caches[op.id].Flush(r.pa)
	case "scavenge":
		if r.scavRandom {
			return &mhsMalformed{unsupported: true, msg: fmt.Sprintf(
				"unsupported by %s: scavenge after NewPageAlloc grew %d chunks across several pages of the scavenge-index bitmap (%d chunks a page); the result depends on NewPageAlloc's random map order",
				Version(), len(r.chunks), 8*PhysPageSize)}
		}
		nbytes := ^uintptr(0)
		if op.npages != -1 {
			nbytes = uintptr(op.npages) * PageSize
		}
		released := r.pa.Scavenge(nbytes)
		fmt.Fprintf(b, `,"released":%d`, released/PageSize)
	case "scavengeBg", "nextGen", "index":
		if mhsIndex == nil {
			return &mhsMalformed{unsupported: true, msg: fmt.Sprintf(
				"unsupported by %s: op %q needs the go1.21 scavenge index (per-chunk inUse/gen, searchAddrBg, nextGen)", Version(), op.name)}
		}
		switch op.name {
		case "scavengeBg":
			nbytes := ^uintptr(0)
			if op.npages != -1 {
				nbytes = uintptr(op.npages) * PageSize
			}
			released := mhsIndex.scavengeBg(r.pa, nbytes)
			fmt.Fprintf(b, `,"released":%d`, released/PageSize)
		case "nextGen":
			mhsIndex.nextGen(r.pa)
		case "index":
			b.WriteString(`,"index":`)
			r.index(b)
		}
	case "inUse":
		b.WriteString(`,"ranges":[`)
		for j, ar := range r.pa.InUse() {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "[%d,%d]", r.page(ar.Base()), r.page(ar.Limit()))
		}
		b.WriteByte(']')
	case "state":
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

// index prints the scavenge index: its generation, both search cursors
// (address, marked), freeHWM, and every grown chunk's entry.
func (r *mhsReplay) index(b *bytes.Buffer) {
	gen, bg, bgMarked, force, forceMarked, hwm := mhsIndex.cursors(r.pa)
	fmt.Fprintf(b, `{"gen":%d,"bg":["0x%016x",%t],"force":["0x%016x",%t],"freeHWM":"0x%016x","chunks":[`,
		gen, uint64(bg), bgMarked, uint64(force), forceMarked, uint64(hwm))
	for j, c := range r.chunks {
		if j > 0 {
			b.WriteByte(',')
		}
		inUse, lastInUse, cgen, flags := mhsIndex.chunk(r.pa, BaseChunkIdx+ChunkIdx(c.off))
		fmt.Fprintf(b, `{"chunk":%d,"inUse":%d,"lastInUse":%d,"gen":%d,"flags":%d}`, c.off, inUse, lastInUse, cgen, flags)
	}
	b.WriteString("]}")
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
