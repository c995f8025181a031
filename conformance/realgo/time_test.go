// mheap-spec real-Go trace replayer: timing mode (MHEAP_SPEC_TIME=1).
//
// Overlaid into the runtime's test package next to trace_test.go. Each trace
// is checked and decoded into a compact slice first, then NewPageAlloc builds
// the allocator, and only the loop over the ops is timed. No per-op lines:
// one {"trace":k,"timedOps":N,"ns":T} line a trace. Every op but "state" can
// be timed. Top-level names start with "mhs", as in trace_test.go.

package runtime_test

import (
	"encoding/json"
	"fmt"
	"time"

	. "runtime"
)

// The kinds of a timed op.
const (
	mhsTAlloc uint8 = iota
	mhsTFree
	mhsTFreeRef
	mhsTAllocToCache
	mhsTCacheAlloc
	mhsTCacheFlush
	mhsTScavenge
	mhsTInUse
)

// mhsTimedOp is one decoded op: a is npages (alloc, scavenge; -1 no limit),
// the base page (free), the ref (freeRef) or the cache id (cacheAlloc,
// cacheFlush); b is npages (free, cacheAlloc).
type mhsTimedOp struct {
	kind uint8
	a, b int64
}

var mhsTimedKinds = map[string]uint8{
	"alloc": mhsTAlloc, "free": mhsTFree, "freeRef": mhsTFreeRef, "allocToCache": mhsTAllocToCache,
	"cacheAlloc": mhsTCacheAlloc, "cacheFlush": mhsTCacheFlush, "scavenge": mhsTScavenge, "inUse": mhsTInUse,
}

// mhsTimeTrace checks and decodes trace k, then times its op loop and prints
// one line.
func mhsTimeTrace(out *mhsOut, k int, raw json.RawMessage) error {
	st, err := mhsReadSetup(raw)
	if err != nil {
		return err
	}
	d := mhsNewDecoder(st.chunks)
	ops := make([]mhsTimedOp, len(st.ops))
	for i, raw := range st.ops {
		op, err := d.decode(int64(i), raw)
		if err != nil {
			return mhsErrf("op %d: %v", i, err)
		}
		kind, ok := mhsTimedKinds[op.name]
		if !ok {
			return mhsErrf("op %d: op %q cannot be timed", i, op.name)
		}
		t := mhsTimedOp{kind: kind}
		switch kind {
		case mhsTAlloc, mhsTScavenge:
			t.a = op.npages
		case mhsTFree:
			t.a, t.b = op.base, op.npages
		case mhsTFreeRef:
			t.a = op.ref
		case mhsTCacheAlloc:
			t.a, t.b = op.id, op.npages
		case mhsTCacheFlush:
			t.a = op.id
		}
		ops[i] = t
	}
	pa := mhsNewPageAlloc(st.chunks)
	defer FreePageAlloc(pa)
	ns := mhsTimeOps(pa, ops)
	fmt.Fprintf(&out.buf, `{"trace":%d,"timedOps":%d,"ns":%d}`, k, len(ops), ns)
	out.line()
	return nil
}

// mhsTimeOps runs the ops on pa and returns the nanoseconds the loop took.
func mhsTimeOps(pa *PageAlloc, ops []mhsTimedOp) int64 {
	base0 := PageBase(BaseChunkIdx, 0)
	// What each alloc/cacheAlloc returned; addr 0 once freed by freeRef.
	addrs := make([]uintptr, len(ops))
	sizes := make([]uintptr, len(ops))
	var caches []PageCache
	GC() // start the clock without a pending collection
	start := time.Now()
	for i := range ops {
		op := &ops[i]
		switch op.kind {
		case mhsTAlloc:
			addrs[i], _ = pa.Alloc(uintptr(op.a))
			sizes[i] = uintptr(op.a)
		case mhsTFree:
			pa.Free(base0+uintptr(op.a)*PageSize, uintptr(op.b))
		case mhsTFreeRef:
			if addrs[op.a] != 0 {
				pa.Free(addrs[op.a], sizes[op.a])
				addrs[op.a] = 0
			}
		case mhsTAllocToCache:
			caches = append(caches, pa.AllocToCache())
		case mhsTCacheAlloc:
			addrs[i], _ = caches[op.a].Alloc(uintptr(op.b))
			sizes[i] = uintptr(op.b)
		case mhsTCacheFlush:
			caches[op.a].Flush(pa)
		case mhsTScavenge:
			nbytes := ^uintptr(0)
			if op.a != -1 {
				nbytes = uintptr(op.a) * PageSize
			}
			pa.Scavenge(nbytes)
		case mhsTInUse:
			_ = pa.InUse()
		}
	}
	return time.Since(start).Nanoseconds()
}
