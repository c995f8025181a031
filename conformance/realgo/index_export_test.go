// mheap-spec real-Go trace replayer: the go1.21+ scavenge index, reached
// through the runtime's internals.
//
// Overlaid into package runtime itself (next to export_test.go) and only
// when the runtime is go1.21 or newer: it names fields of
// runtime/mgcscavenge.go · type scavengeIndex that go1.19 does not have.
// Each function runs on the system stack and takes the allocator's lock
// where Go's own callers hold it, as export_test.go's hooks do. Every name
// starts with "Mhs" so it cannot clash with the runtime's.

package runtime

// MhsScavengeBg is the background scavenger's page-level call,
// pageAlloc.scavenge(nbytes, nil, false): scavengeIndex.find(false) and the
// searchAddrBg cursor (PageAlloc.Scavenge forces).
func MhsScavengeBg(p *PageAlloc, nbytes uintptr) (r uintptr) {
	pp := (*pageAlloc)(p)
	systemstack(func() {
		r = pp.scavenge(nbytes, nil, false)
	})
	return
}

// MhsNextGen is what gcMarkTermination does to the index once per GC cycle.
func MhsNextGen(p *PageAlloc) {
	pp := (*pageAlloc)(p)
	systemstack(func() {
		lock(pp.mheapLock)
		pp.scav.index.nextGen()
		unlock(pp.mheapLock)
	})
}

// MhsScavIndexChunk returns chunk ci's index entry, unpacked.
func MhsScavIndexChunk(p *PageAlloc, ci ChunkIdx) (inUse, lastInUse uint16, gen uint32, flags uint8) {
	pp := (*pageAlloc)(p)
	var sc scavChunkData
	systemstack(func() {
		lock(pp.mheapLock)
		sc = pp.scav.index.chunks[ci].load()
		unlock(pp.mheapLock)
	})
	return sc.inUse, sc.lastInUse, sc.gen, uint8(sc.scavChunkFlags)
}

// MhsScavIndexCursors returns the index's generation, both search cursors
// (address and mark) and freeHWM.
func MhsScavIndexCursors(p *PageAlloc) (gen uint32, bg uintptr, bgMarked bool, force uintptr, forceMarked bool, freeHWM uintptr) {
	pp := (*pageAlloc)(p)
	systemstack(func() {
		lock(pp.mheapLock)
		s := &pp.scav.index
		gen = s.gen
		bg, bgMarked = s.searchAddrBg.Load()
		force, forceMarked = s.searchAddrForce.Load()
		freeHWM = s.freeHWM.addr()
		unlock(pp.mheapLock)
	})
	return
}
