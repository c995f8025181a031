// The page reclaimer as the spec keeps it (runtime/mheap.go · (*mheap).reclaim):
// a ledger of pages. Spans sweepone frees whole become credit; an
// allocation while sweeping is unfinished first takes credit, then the
// pages of the spans its own reclaim freed; whatever those leave owed means
// reclaim ran out of arenas to scan, so no span it could have freed may be
// left behind. Spare pages go back to credit. Mark termination starts a new
// ledger (gcSweep resets reclaimCredit and reclaimIndex).

export class AbstractReclaimer {
  /** Pages sweepone freed that no allocation has counted yet. */
  credit = 0;

  /** A new sweep generation: nothing owed, nothing spare. */
  newGeneration(): void {
    this.credit = 0;
  }

  /** sweepone freed a span of npages: they count toward the next reclaim. */
  sweeponeFreed(npages: number): void {
    this.credit += npages;
  }

  /**
   * An allocation of npage pages while sweeping was unfinished, whose
   * reclaim freed found pages: the credit it takes, and the pages still
   * owed once credit and found pages are counted (0 when covered).
   */
  reclaim(npage: number, found: number): { took: number; owed: number } {
    const took = Math.min(this.credit, npage);
    this.credit -= took;
    const need = npage - took;
    if (found <= need) return { took, owed: need - found };
    this.credit += found - need;
    return { took, owed: 0 };
  }
}
