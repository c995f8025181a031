// Traces whose output lines are known exactly, checked on both sides: the
// model (`mheap-spec trace`, conformance/trace/trace.test.ts) and the real
// go1.19 runtime (conformance/realgo/realgo.test.ts). One list, so both are
// held to the same expectations.

/** One output line, parsed. */
export type Line = Record<string, unknown>;

export interface GoldenTrace {
  readonly name: string;
  readonly trace: unknown;
  /** The op lines (after the header), exactly. */
  readonly want: readonly Line[];
}

const zero = '0x0000000000000000';
const top = 2 ** 26 - 1 - 0x200c000;

export const goldenTraces: readonly GoldenTrace[] = [
  {
    name: 'freeRef frees what the referenced op returned, once; a failed op frees nothing',
    trace: {
      chunks: [{ chunk: 0, alloc: [[0, 500]] }],
      ops: [
        { op: 'alloc', npages: 4, expect: { page: 500 }, note: 'ignored' }, // 0
        { op: 'alloc', npages: 100 }, // 1: fails
        { op: 'freeRef', ref: 0 }, // 2
        { op: 'freeRef', ref: 0 }, // 3: already freed
        { op: 'freeRef', ref: 1 }, // 4: failed alloc
        { op: 'allocToCache' }, // 5: block 448..511, free 500..511
        { op: 'cacheAlloc', id: 0, npages: 2 }, // 6
        { op: 'freeRef', ref: 6 }, // 7
        { op: 'alloc', npages: 2 }, // 8: first fit after the free
      ],
    },
    want: [
      { trace: 0, i: 0, op: 'alloc', page: 500, scav: 0 },
      { trace: 0, i: 1, op: 'alloc', page: -1, scav: 0 },
      { trace: 0, i: 2, op: 'freeRef', base: 500, npages: 4 },
      { trace: 0, i: 3, op: 'freeRef', base: -1, npages: 0 },
      { trace: 0, i: 4, op: 'freeRef', base: -1, npages: 0 },
      { trace: 0, i: 5, op: 'allocToCache', id: 0, base: 448, cache: '0xfff0000000000000', scav: zero },
      { trace: 0, i: 6, op: 'cacheAlloc', page: 500, scav: 0 },
      { trace: 0, i: 7, op: 'freeRef', base: 500, npages: 2 },
      { trace: 0, i: 8, op: 'alloc', page: 500, scav: 0 },
    ],
  },
  {
    name: 'page cache: flush returns pages, a flushed or empty cache allocates nothing',
    trace: {
      chunks: [{ chunk: 0, alloc: [[0, 448], [450, 62]] }],
      ops: [
        { op: 'allocToCache' },
        { op: 'cacheAlloc', id: 0, npages: 1 },
        { op: 'cacheFlush', id: 0 },
        { op: 'cacheAlloc', id: 0, npages: 1 },
        { op: 'allocToCache' },
        { op: 'allocToCache' },
        { op: 'cacheAlloc', id: 2, npages: 1 },
      ],
    },
    want: [
      { trace: 0, i: 0, op: 'allocToCache', id: 0, base: 448, cache: '0x0000000000000003', scav: zero },
      { trace: 0, i: 1, op: 'cacheAlloc', page: 448, scav: 0 },
      { trace: 0, i: 2, op: 'cacheFlush' },
      { trace: 0, i: 3, op: 'cacheAlloc', page: -1, scav: 0 },
      { trace: 0, i: 4, op: 'allocToCache', id: 1, base: 448, cache: '0x0000000000000002', scav: zero },
      { trace: 0, i: 5, op: 'allocToCache', id: 2, base: -1, cache: zero, scav: zero },
      { trace: 0, i: 6, op: 'cacheAlloc', page: -1, scav: 0 },
    ],
  },
  {
    name: 'state: bounds and the grown chunks only, with bitmaps and summaries; inUse: a gap makes two ranges',
    trace: { chunks: [{ chunk: 3 }, { chunk: 0, alloc: [[0, 12]], scav: [[100, 50], [5, 10]] }], ops: [{ op: 'state' }, { op: 'inUse' }] },
    want: [
      {
        trace: 0,
        i: 0,
        op: 'state',
        state: {
          bounds: [0, 4],
          chunks: [
            // scav [5,15) minus the allocated [0,12) leaves 12..14; [100,150) stays.
            { chunk: 0, alloc: ['0x0000000000000fff', ...Array<string>(7).fill(zero)], scav: ['0x0000000000007000', '0xfffffff000000000', '0x00000000003fffff', ...Array<string>(5).fill(zero)], sum: [0, 500, 500] },
            { chunk: 3, alloc: Array<string>(8).fill(zero), scav: Array<string>(8).fill(zero), sum: [512, 512, 512] },
          ],
        },
      },
      { trace: 0, i: 1, op: 'inUse', ranges: [[0, 512], [1536, 2048]] },
    ],
  },
  {
    name: 'the highest chunk of the 48-bit address space',
    trace: { chunks: [{ chunk: top, alloc: [[0, 511]] }], ops: [{ op: 'alloc', npages: 1 }, { op: 'inUse' }] },
    want: [
      { trace: 0, i: 0, op: 'alloc', page: top * 512 + 511, scav: 0 },
      { trace: 0, i: 1, op: 'inUse', ranges: [[top * 512, top * 512 + 512]] },
    ],
  },
];
