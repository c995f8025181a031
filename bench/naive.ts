// The baseline the radix tree must beat by orders of magnitude: first fit
// by scanning a page bitmap from the lowest address every time.

export class NaiveFirstFit {
  private readonly used: Uint8Array;

  constructor(readonly pages: number) {
    this.used = new Uint8Array(pages);
  }

  /** First fit: the lowest page starting npages free pages, marked used; -1 if none. */
  alloc(npages: number): number {
    const u = this.used;
    let run = 0;
    for (let i = 0; i < this.pages; i++) {
      if (u[i] !== 0) {
        run = 0;
        continue;
      }
      if (++run === npages) {
        const first = i - npages + 1;
        u.fill(1, first, i + 1);
        return first;
      }
    }
    return -1;
  }

  free(first: number, npages: number): void {
    this.used.fill(0, first, first + npages);
  }

  /** Mark one page used (to start from another allocator's state). */
  mark(page: number): void {
    this.used[page] = 1;
  }
}
