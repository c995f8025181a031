// One trace replayed on the model: NewPageAlloc from the trace's chunks,
// then each checked op on model/'s PageAlloc and PageCache, printed as the
// Go replayer prints it. The model's scavenge is go1.21's forced one (the
// PageAlloc.Scavenge test hook of go1.21 calls scavenge(n, nil, true));
// scavengeBg is the background scavenger's scavenge(n, nil, false).

import { newPageAlloc } from '../../model/export.js';
import { defaultGeometry } from '../../model/geometry.js';
import type { PageAlloc } from '../../model/mpagealloc.js';
import type { PageCache } from '../../model/mpagecache.js';
import { hexWord } from '../../model/sys.js';
import { indexJson, inUseJson, opLineStart, stateJson } from './lines.js';
import type { TraceOp } from './ops.js';
import { BASE_CHUNK_IDX } from './setup.js';
import type { TraceSetup } from './setup.js';

/** What an alloc or cacheAlloc returned, for freeRef. */
interface AllocResult {
  readonly page: number;
  readonly npages: number;
  freed: boolean;
}

/** A fresh model allocator grown as NewPageAlloc grows the trace's chunks. */
export function modelPageAlloc(setup: TraceSetup): PageAlloc {
  return newPageAlloc(
    defaultGeometry,
    setup.chunks.map((c) => ({ chunk: BASE_CHUNK_IDX + c.off, alloc: c.alloc, scav: c.scav })),
  );
}

/** Page numbers <-> addresses: page p is PageBase(BaseChunkIdx, 0) + p*pageSize; address 0 is page -1. */
export class Pages {
  readonly base0: number;
  readonly pageSize: number;

  constructor(p: PageAlloc) {
    this.pageSize = p.g.pageSize;
    this.base0 = BASE_CHUNK_IDX * p.g.pallocChunkBytes + p.g.arenaBaseOffset;
  }

  page(addr: number): number {
    return addr === 0 ? -1 : (addr - this.base0) / this.pageSize;
  }

  addr(page: number): number {
    return this.base0 + page * this.pageSize;
  }
}

export class ModelReplay {
  readonly p: PageAlloc;
  private readonly pages: Pages;
  private readonly results = new Map<number, AllocResult>();
  private readonly caches: PageCache[] = [];

  constructor(
    readonly k: number,
    readonly setup: TraceSetup,
  ) {
    this.p = modelPageAlloc(setup);
    this.pages = new Pages(this.p);
  }

  /** Runs op i; returns its line without the newline. A GoThrow or ModelError leaves the model unchanged and propagates. */
  step(op: TraceOp, i: number): string {
    const { p, pages } = this;
    let line = opLineStart(this.k, i, op.op);
    switch (op.op) {
      case 'alloc': {
        const [addr, scav] = p.alloc(op.npages);
        line += this.result(i, addr, scav, op.npages);
        break;
      }
      case 'free':
        p.free(pages.addr(op.base), op.npages);
        break;
      case 'freeRef': {
        const r = this.results.get(op.ref)!;
        if (r.page === -1 || r.freed) {
          line += ',"base":-1,"npages":0';
        } else {
          p.free(pages.addr(r.page), r.npages);
          r.freed = true;
          line += `,"base":${r.page},"npages":${r.npages}`;
        }
        break;
      }
      case 'allocToCache': {
        const c = p.allocToCache();
        const id = this.caches.length;
        this.caches.push(c);
        const base = c.empty() ? -1 : pages.page(c.base);
        line += `,"id":${id},"base":${base},"cache":"${hexWord(c.cache)}","scav":"${hexWord(c.scav)}"`;
        break;
      }
      case 'cacheAlloc': {
        const [addr, scav] = this.caches[op.id]!.alloc(op.npages);
        line += this.result(i, addr, scav, op.npages);
        break;
      }
      case 'cacheFlush':
        this.caches[op.id]!.flush(p);
        break;
      case 'scavenge': {
        const released = p.scavenge(op.npages === -1 ? Infinity : op.npages * pages.pageSize, true);
        line += `,"released":${released / pages.pageSize}`;
        break;
      }
      case 'scavengeBg': {
        const released = p.scavenge(op.npages === -1 ? Infinity : op.npages * pages.pageSize, false);
        line += `,"released":${released / pages.pageSize}`;
        break;
      }
      case 'nextGen':
        p.scav.index.nextGen();
        break;
      case 'index':
        line += `,"index":${indexJson(p, this.setup.chunks)}`;
        break;
      case 'inUse':
        line += `,"ranges":${inUseJson(p, (a) => pages.page(a))}`;
        break;
      case 'state':
        break;
    }
    if (op.op === 'state' || this.setup.dumpState) line += `,"state":${stateJson(p, this.setup.chunks)}`;
    return line + '}';
  }

  /** Records an alloc/cacheAlloc result for freeRef; returns its output fields. */
  private result(i: number, addr: number, scav: number, npages: number): string {
    const page = this.pages.page(addr);
    this.results.set(i, { page, npages, freed: false });
    return `,"page":${page},"scav":${scav / this.pages.pageSize}`;
  }
}
