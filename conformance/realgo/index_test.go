// mheap-spec real-Go trace replayer: the go1.21+ scavenge index ops.
//
// Overlaid into the runtime's test package with index_export_test.go, only
// for go1.21 and newer. It hands trace_test.go the hooks for scavengeBg,
// nextGen and index (see mhsIndexAPI).

package runtime_test

import . "runtime"

func init() {
	mhsIndex = &mhsIndexAPI{
		scavengeBg: MhsScavengeBg,
		nextGen:    MhsNextGen,
		chunk:      MhsScavIndexChunk,
		cursors:    MhsScavIndexCursors,
	}
}
