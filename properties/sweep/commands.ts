// The sweep suite's commands: mallocgc in two steps (reserve, publish) on
// any P, the mutator's pointers (the ghost object graph), the GC cycle
// (start, marking what the mutator reaches, mark termination with Ps
// flushing their mcaches at their next safe point), sweepers stepping
// through sweepone, and ensureSwept as addspecial calls it.

import fc from 'fast-check';
import { hex } from '../../model/geometry.js';
import { mallocgcFinish, mallocgcSteps } from '../../model/mallocgc.js';
import { flushAtSafePoint, gcMarkTermination, gcStart } from '../../model/mgc.js';
import { markObject } from '../../model/mgcmark.js';
import { SweeponeG, ensureSwept } from '../../model/mgcsweep.js';
import { class_to_size, maxSmallSize, maxTinySize, sizeToClass } from '../../model/sizeclasses.js';
import { makeSpanClass, tinySpanClass } from '../../model/spanclass.js';
import { GoThrow } from '../../model/throw.js';
import { pagesOf } from '../../spec/format.js';
import type { SweepStep } from '../../spec/sweep/world.js';
import type { CommandDef, Executed, Param } from '../harness/suite.js';
import { pParam } from '../mheap/commands.js';
import type { SweepSystem } from './world.js';

type Cmd = CommandDef<SweepSystem, SweepStep>;
type Ex = Executed<SweepStep>;

const pArg = fc.nat({ max: 7 });
const pOf = (w: SweepSystem, i: number): number => i % w.h.allp.length;
const objParam = (name: string, doc: string): Param => ({ name, min: 0, max: 63, doc: `${doc}: this index modulo their number, oldest first` });

/** Size classes whose 8 KiB or 32 KiB spans hold 4, 2, 1 and 1 objects. */
const fewPerSpan = [2048, 4096, 8192, 32768];

/** Object sizes: tiny, small across the size classes, large. */
function sizeOf(kind: number, n: number): number {
  if (kind === 0) return 1 + (n % (maxTinySize - 1)); // 1..15: tiny when noscan
  if (kind === 1) return 16 + (n % 1009); // small size classes up to 1 KiB
  // The larger size classes; most often four whose spans hold 1 to 4 objects, so spans fill up and go full.
  if (kind === 2) return n < 150 ? fewPerSpan[n % fewPerSpan.length]! : 1025 + ((n * 131) % (maxSmallSize - 1024));
  return maxSmallSize + 1 + n * 4096; // large: one span each
}

function objectNames(w: SweepSystem): string[] {
  return [...w.objects.keys()];
}

function reachableNames(w: SweepSystem): string[] {
  const r = w.reachable();
  return objectNames(w).filter((o) => r.has(o));
}

/**
 * Why the tiny block at slot of span is no longer one the P may pack tiny
 * objects into, or undefined: the block is a live tiny object of the spec's
 * (mark termination's releaseAll drops the block before a sweep can free it).
 */
function staleBlock(w: SweepSystem, span: number, slot: number): string | undefined {
  if (!w.spec.objects(span).has(slot)) return `slot ${slot} of ${w.nameOf(span)} is free`;
  const other = w.objectsAt(span, slot).find((o) => !o.tiny);
  return other === undefined ? undefined : `${other.name} lives in slot ${slot} of ${w.nameOf(span)}`;
}

/**
 * One atomic step of the mallocgc in progress on P pi: run it to its next
 * yield (another goroutine may run there) or to its reservation, and
 * register what it did: spans it published, the object once reserved.
 */
function stepMalloc(w: SweepSystem, pi: number, op: string, first: boolean): Ex {
  const pm = w.pending.get(pi)!;
  const pp = w.h.p(pi);
  const call = `mallocgc(${pm.size}, ${pm.noscan ? 'noscan' : 'scan'}, true)`;
  const prev = pm.at;
  let oom = false;
  const unfinished = w.sweepUnfinished();
  const { result: r, base } = w.measure(op, pi, () => {
    try {
      return pm.steps!.next();
    } catch (e) {
      if (e instanceof GoThrow && e.goMessage === 'out of memory') {
        oom = true;
        return undefined;
      }
      throw e;
    }
  });
  const born = w.settle(base, pm.npages === undefined ? undefined : { spc: pm.spc, npages: pm.npages }, pi, pm.sweepgen);
  const reclaimStep = unfinished && born.length > 0 ? { reclaim: w.reclaimFor(base, w.spec.span(born[0]!)!.npages) } : {};
  const extra = { ...reclaimStep, ...(w.lastAllocated !== undefined ? { allocated: w.lastAllocated } : {}) };
  w.lastAllocated = undefined;
  // A CAS that lost: the last step stopped after tryAcquire's check, this one did not win.
  const checked = prev !== undefined && (prev.at === 'cacheSpan: tryAcquire checked' || prev.at === 'sweepone: cas');
  const won = r !== undefined && r.done !== true && (r.value.at === 'cacheSpan: tryAcquire won' || r.value.at === 'sweepone: sweep');
  const lostRace = checked && !won && !oom ? (prev.at.startsWith('cacheSpan') ? ('cacheSpan' as const) : ('sweepone' as const)) : undefined;
  const head = first ? `P${pi}: ${call}` : `P${pi}: mallocgc`;
  if (oom || r === undefined) {
    // A real program dies here; the run goes on without this goroutine.
    pp.mallocing = false;
    w.pending.delete(pi);
    return { step: { ...base, ...extra, outOfMemory: true }, go: `_ = ${call}`, comment: `P${pi}: fatal error: out of memory (a real program dies here; the run goes on without it)` };
  }
  if (r.done !== true) {
    pm.at = r.value;
    const held = r.value.span === null ? '' : ` ${w.nameOf(w.specId(r.value.span) ?? 0)}`;
    return { step: { ...base, ...extra, ...(lostRace === undefined ? {} : { lostRace }) }, go: head, comment: `in ${r.value.at}${held}` };
  }
  const m = r.value;
  pm.steps = undefined;
  pm.at = undefined;
  const name = `o${w.nextObject++}`;
  const at = w.slotOf(m.x);
  if (at === undefined) {
    // Only a tiny object put into a stale tiny block can land in no live span of the spec.
    if (m.finished) w.pending.delete(pi);
    const reserved = { name, span: 0, slot: -1, staleTinyBlock: `${hex(m.x)} lies in no live heap span` };
    return { step: { ...base, ...extra, reserved, tinyReuse: true }, go: `${name} := ${call}`, comment: `P${pi}, ${m.path}: ${name} = ${hex(m.x)}, in no live heap span` };
  }
  const occupant = m.path === 'tinyBlock' ? undefined : w.objectsAt(at.span, at.slot)[0]?.name;
  const staleTinyBlock = m.path === 'tinyBlock' ? staleBlock(w, at.span, at.slot) : undefined;
  if (m.path !== 'tinyBlock') w.spec.addObject(at.span, at.slot);
  w.objects.set(name, { name, addr: m.x, span: at.span, slot: at.slot, size: pm.size, slotSize: m.size, tiny: m.path === 'tiny' || m.path === 'tinyBlock' });
  // The mutator holds the new object (in a local) from now on.
  w.roots.add(name);
  const cacheSpanPath = m.refilled ? w.h.central[pm.spc]!.lastPath ?? undefined : undefined;
  const step: SweepStep = {
    ...base,
    ...extra,
    reserved: { name, span: at.span, slot: at.slot, ...(occupant === undefined ? {} : { occupiedBy: occupant }), ...(staleTinyBlock === undefined ? {} : { staleTinyBlock }) },
    ...(m.path === 'tinyBlock' ? { tinyReuse: true } : {}),
    ...(cacheSpanPath === undefined ? {} : { cacheSpanPath }),
    ...(lostRace === undefined ? {} : { lostRace }),
  };
  if (m.finished) w.pending.delete(pi);
  else {
    pm.name = name;
    pm.m = m;
  }
  const where = `${w.nameOf(at.span)} slot ${at.slot}${m.path === 'large' ? ` (a ${pagesOf(at.s.npages)} span)` : ''}`;
  return { step, go: `${name} := ${call}`, comment: `P${pi}, ${m.path}${m.refilled ? `, refilled (cacheSpan: ${cacheSpanPath})` : ''}: ${name} = ${hex(m.x)} in ${where}${m.finished ? '' : ', not yet published'}` };
}

const mallocStart: Cmd = {
  name: 'mallocStart',
  doc: "mallocgc on a P, up to its first point where another goroutine can run (a sweep on the way) or to its publication barrier: reserve an object's slot (tiny, small or large)",
  weight: 8,
  params: [pParam, { name: 'kind', min: 0, max: 3, doc: '0 tiny (1-15 bytes), 1 small up to 1 KiB, 2 small above, 3 large' }, { name: 'n', min: 0, max: 200, doc: 'which size of that kind' }, { name: 'noscan', min: 0, max: 1, doc: '1 noscan (no pointers), 0 scan' }],
  args: fc.tuple(pArg, fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constant(3) }), fc.nat({ max: 200 }), fc.nat({ max: 1 })),
  applies: (w, [p]) => w.h.gcphase !== '_GCmarktermination' && !w.pending.has(pOf(w, p!)),
  call: (w, [p, k, n, ns]) => `mallocgc(${sizeOf(k!, n!)}, ${ns === 1 ? 'noscan' : 'scan'}, true)  // P${pOf(w, p!)}`,
  run(w, [p, k, n, ns]): Ex {
    const pi = pOf(w, p!);
    const size = sizeOf(k!, n!);
    const noscan = ns === 1;
    const spc = size > maxSmallSize ? makeSpanClass(0, noscan) : noscan && size < maxTinySize ? tinySpanClass : makeSpanClass(sizeToClass(size), noscan);
    const npages = size > maxSmallSize ? Math.ceil(size / w.g.pageSize) : undefined;
    w.pending.set(pi, { size, noscan, spc, npages, sweepgen: w.h.sweepgen, steps: mallocgcSteps(w.h, size, noscan, true, w.h.p(pi)) });
    return stepMalloc(w, pi, 'mallocStart', true);
  },
};

/** The Ps whose mallocgc is in progress (stopped where another goroutine can run), and those that reserved their object. */
const running = (w: SweepSystem): number[] => [...w.pending].filter(([, pm]) => pm.steps !== undefined).map(([p]) => p).sort((a, b) => a - b);
const reserved = (w: SweepSystem): number[] => [...w.pending].filter(([, pm]) => pm.m !== undefined).map(([p]) => p).sort((a, b) => a - b);

const mallocStep: Cmd = {
  name: 'mallocStep',
  doc: 'a mallocgc in progress runs its next atomic step: the proportional sweep, cacheSpan taking and sweeping a span, or the rest up to its publication barrier',
  weight: 12,
  params: [{ name: 'p', min: 0, max: 7, doc: 'which P in mallocgc: this index modulo their number' }],
  args: fc.tuple(pArg),
  applies: (w) => running(w).length > 0,
  call: (w, [p]) => `P${running(w)[p! % running(w).length]}: mallocgc`,
  run(w, [p]): Ex {
    const r = running(w);
    return stepMalloc(w, r[p! % r.length]!, 'mallocStep', false);
  },
};

const mallocFinish: Cmd = {
  name: 'mallocFinish',
  doc: 'mallocgc after its publication barrier: publish the object to the GC (freeIndexForScan), mark it if the GC runs',
  weight: 8,
  params: [{ name: 'p', min: 0, max: 7, doc: 'which P with a reserved object: this index modulo their number' }],
  args: fc.tuple(pArg),
  applies: (w) => reserved(w).length > 0,
  call: (w, [p]) => `mallocgc finishes  // P${reserved(w)[p! % reserved(w).length]}`,
  run(w, [p]): Ex {
    const r = reserved(w);
    const pi = r[p! % r.length]!;
    const pm = w.pending.get(pi)!;
    const marking = w.h.gcphase !== '_GCoff';
    const { base } = w.measure('mallocFinish', pi, () => mallocgcFinish(w.h, pm.m!, w.h.p(pi)));
    w.settle(base);
    w.pending.delete(pi);
    const o = w.objects.get(pm.name!);
    // The spec's rule: an object published while the GC runs is marked (allocated black).
    if (marking && o !== undefined) w.spec.mark(o.span, o.slot);
    return { step: base, go: `return ${pm.name}`, comment: `P${pi}: published${marking ? ', marked (allocated during the mark phase)' : ''}` };
  },
};

const dropRoot: Cmd = {
  name: 'dropRoot',
  doc: 'the mutator drops a local or global reference to an object',
  weight: 4,
  params: [objParam('object', 'which root')],
  args: fc.tuple(fc.nat({ max: 63 })),
  applies: (w) => w.roots.size > 0,
  call: (w, [i]) => `${[...w.roots][i! % w.roots.size]} = nil`,
  run(w, [i]): Ex {
    const name = [...w.roots][i! % w.roots.size]!;
    const { base } = w.measure('dropRoot', null, () => w.roots.delete(name));
    return { step: base, go: `${name} = nil`, comment: 'the mutator no longer holds it' };
  },
};

const link: Cmd = {
  name: 'link',
  doc: 'the mutator stores a pointer to one reachable object in another',
  weight: 3,
  params: [objParam('from', 'which reachable object holds the pointer'), objParam('to', 'which reachable object it points to')],
  args: fc.tuple(fc.nat({ max: 63 }), fc.nat({ max: 63 })),
  applies: (w) => w.roots.size > 0,
  call: (w, [i, j]) => {
    const r = reachableNames(w);
    return `${r[i! % r.length]}.p = ${r[j! % r.length]}`;
  },
  run(w, [i, j]): Ex {
    const r = reachableNames(w);
    const a = r[i! % r.length]!;
    const b = r[j! % r.length]!;
    const { base } = w.measure('link', null, () => {
      let e = w.edges.get(a);
      if (e === undefined) w.edges.set(a, (e = new Set()));
      e.add(b);
    });
    return { step: base, go: `${a}.p = ${b}`, comment: 'a pointer in the heap (write barriers are not modelled: marking rescans at mark termination)' };
  },
};

const gcStartCmd: Cmd = {
  name: 'gcStart',
  doc: 'gcStart: finish sweeping with the world stopped, clear page marks, enter _GCmark',
  weight: 5,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.gcphase === '_GCoff' && w.pending.size === 0 && w.sweepers.every((s) => s.pc === 'begin') && w.h.forEachP === null,
  call: () => 'gcStart()',
  run(w): Ex {
    const { base } = w.measure('gcStart', null, () => gcStart(w.h));
    w.settle(base);
    return { step: base, go: 'gcStart()', comment: `gcphase=${w.h.gcphase}; finishsweep_m swept ${pagesOf(base.swept.length).replace(/pages?/, base.swept.length === 1 ? 'span' : 'spans')}` };
  },
};

/** Mark up to k objects the mutator reaches, as GC workers draining the mark queue would. */
function markReachable(w: SweepSystem, k: number): string[] {
  const done: string[] = [];
  for (const name of reachableNames(w)) {
    if (done.length >= k) break;
    const o = w.objects.get(name)!;
    if (w.spec.marks(o.span).has(o.slot)) continue;
    markObject(w.h, o.addr);
    w.spec.mark(o.span, o.slot);
    done.push(name);
  }
  return done;
}

const markSome: Cmd = {
  name: 'markSome',
  doc: 'gcDrain: GC workers mark some objects the mutator reaches',
  weight: 3,
  params: [{ name: 'k', min: 1, max: 8, doc: 'how many objects at most' }],
  args: fc.tuple(fc.integer({ min: 1, max: 8 })),
  applies: (w) => w.h.gcphase === '_GCmark',
  call: (_w, [k]) => `gcDrain(gcw, ${k})`,
  run(w, [k]): Ex {
    let marked: string[] = [];
    const { base } = w.measure('markSome', null, () => (marked = markReachable(w, k!)));
    return { step: base, go: `gcDrain(gcw, ${k})`, comment: `as GC workers do: marked ${marked.length === 0 ? 'nothing new' : marked.join(', ')}` };
  },
};

const gcMarkTerminationCmd: Cmd = {
  name: 'gcMarkTermination',
  doc: 'gcMarkDone + gcMarkTermination: mark what is left, h.sweepgen += 2, free what the cycle kept, forEachP flushes mcaches',
  weight: 5,
  params: [pParam, { name: 'idle', min: 0, max: 7, doc: 'bit mask of Ps the scheduler has parked' }, { name: 'defer', min: 0, max: 7, doc: 'bit mask of running Ps that reach their safe point later' }],
  args: fc.tuple(pArg, fc.nat({ max: 7 }), fc.nat({ max: 7 })),
  applies: (w) => w.h.gcphase === '_GCmark' && w.pending.size === 0 && w.sweepers.every((s) => s.pc === 'begin'),
  call: () => 'gcMarkTermination()',
  run(w, [p, idle, later]): Ex {
    const h = w.h;
    const pi = pOf(w, p!);
    const parked = h.allp.filter((x) => x.id !== pi && (idle! >> x.id) & 1);
    for (const x of parked) x.status = '_Pidle';
    const withPages = parked.filter((x) => !x.pcache.empty()).length;
    // The ghost's view for the bump: which spans each P's mcache holds, and which running Ps flush later.
    const cachedBefore = new Map<number, number>();
    for (const x of h.allp) {
      x.mcache.alloc.forEach((s) => {
        const id = w.specId(s);
        if (id !== undefined) cachedBefore.set(id, x.id);
      });
    }
    const deferred = h.allp.filter((x) => x.id !== pi && !parked.includes(x) && ((later! >> x.id) & 1) === 1).map((x) => x.id);
    // gcMark: the last drain marks everything the mutator reaches.
    markReachable(w, Infinity);
    const dying = w.stacks.freeStackSpans();
    const { base } = w.measure('gcMarkTermination', pi, () => gcMarkTermination(h, h.p(pi), (x) => ((later! >> x.id) & 1) === 1), dying);
    for (const x of parked) x.status = '_Prunning';
    w.settle(base);
    const after = new Map<number, number>();
    for (const sp of w.spec.spans()) if (sp.kind.heap) after.set(sp.id, (w.handles.get(sp.id)!.sweepgen - h.sweepgen) | 0);
    const waiting = h.forEachP === null ? [] : [...h.forEachP.pending].map((x) => `P${x.id}`);
    return {
      step: { ...base, flushedIdle: withPages, bump: { cachedBefore, deferred, after } },
      go: 'gcMarkTermination()',
      comment: `P${pi}: h.sweepgen=${h.sweepgen}${parked.length > 0 ? `; P${parked.map((x) => x.id).join(', P')} idle` : ''}${waiting.length > 0 ? `; ${waiting.join(', ')} flush at their next safe point` : ''}`,
    };
  },
};

const flushCmd: Cmd = {
  name: 'flushAtSafePoint',
  doc: "forEachP's function runs on a P that deferred it: its mcache (and, if idle, page cache) is flushed",
  weight: 4,
  params: [{ name: 'p', min: 0, max: 7, doc: 'which waiting P: this index modulo their number' }],
  args: fc.tuple(pArg),
  applies: (w) => w.h.forEachP !== null,
  call: () => 'prepareForSweep at a safe point',
  run(w, [p]): Ex {
    const waiting = [...w.h.forEachP!.pending].sort((a, b) => a.id - b.id);
    const pp = waiting[p! % waiting.length]!;
    const { base } = w.measure('flushAtSafePoint', pp.id, () => flushAtSafePoint(w.h, pp));
    w.settle(base);
    return { step: base, go: `pp.mcache.prepareForSweep()  // P${pp.id}`, comment: `as forEachP does at P${pp.id}'s safe point${w.h.forEachP === null ? '; every P has flushed' : ''}` };
  },
};

const sweeperStart: Cmd = {
  name: 'sweeperStart',
  doc: 'a goroutine calls sweepone (the background sweeper, or a proportional sweep)',
  weight: 2,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.sweepers.length < 3,
  call: () => 'go sweepone()',
  run(w): Ex {
    const name = `g${w.nextSweeper++}`;
    const { base } = w.measure('sweeperStart', null, () => {
      w.sweepers.push(new SweeponeG(w.h, w.h.allp[0]!));
      w.sweeperNames.push(name);
    });
    return { step: base, go: `${name}: sweepone()`, comment: 'a sweeper, not yet started' };
  },
};

const sweeperStep: Cmd = {
  name: 'sweeperStep',
  doc: 'one atomic step of a sweeper in flight: begin, take a span, check, CAS, sweep, end',
  weight: 8,
  params: [{ name: 'g', min: 0, max: 7, doc: 'which sweeper: this index modulo their number' }],
  args: fc.tuple(fc.nat({ max: 7 })),
  // The world is stopped during mark termination; sweepers wait.
  applies: (w) => w.sweepers.length > 0 && w.h.gcphase !== '_GCmarktermination',
  call: (w, [i]) => `${w.sweeperNames[i! % w.sweepers.length]}: ${w.sweepers[i! % w.sweepers.length]!.pc}`,
  run(w, [i]): Ex {
    const k = i! % w.sweepers.length;
    const g = w.sweepers[k]!;
    const name = w.sweeperNames[k]!;
    const pc = g.pc;
    const heldBefore = g.span;
    const { base } = w.measure('sweeperStep', null, () => g.step());
    w.settle(base);
    const lostRace = pc === 'cas' && g.pc === 'next';
    if (g.done) {
      w.sweepers.splice(k, 1);
      w.sweeperNames.splice(k, 1);
    }
    const held = g.span ?? heldBefore;
    const spanName = held === null ? '' : (() => {
      const id = w.specId(held);
      return id === undefined ? ` [${hex(held.base())}]` : ` ${w.nameOf(id)}`;
    })();
    const what =
      pc === 'begin' ? (g.pc === 'done' ? 'sweep.active.begin(): sweeping is drained, nothing to do' : 'sweep.active.begin()')
      : pc === 'next' ? (g.span === null ? `nextSpanForSweep() = nil; markDrained() = ${g.noMoreWork}` : `nextSpanForSweep() =${spanName}`)
      : pc === 'acquire' ? (g.pc === 'cas' ? `${spanName.trim()} needs sweeping` : `${spanName.trim()} does not need sweeping: skip it`)
      : pc === 'cas' ? (lostRace ? `CAS of${spanName} lost: another sweeper took it` : `tryAcquire(${spanName.trim()}) won: sweepgen sg-1`)
      : pc === 'sweep' ? `swept${spanName}${g.result > 0 ? `, freed (${pagesOf(g.result)})` : ''}`
      : 'sweep.active.end()';
    const step: SweepStep = { ...base, ...(lostRace ? { lostRace: 'sweepone' as const } : {}) };
    return { step, go: `${name}: ${pc}`, comment: what };
  },
};

const rel = (d: number): string => { const r = d | 0; return r === 0 ? '' : r > 0 ? `+${r}` : `${r}`; };

/** The reachable objects, those whose span the ghost has unswept this cycle first. */
function unsweptFirst(w: SweepSystem): string[] {
  const r = reachableNames(w);
  const unswept = (n: string): boolean => w.needSweep.has(w.objects.get(n)!.span);
  return [...r.filter(unswept), ...r.filter((n) => !unswept(n))];
}

const ensureSweptCmd: Cmd = {
  name: 'ensureSwept',
  doc: "s.ensureSwept() as addspecial calls it (runtime.SetFinalizer): the span of a reachable object is swept before it is used",
  weight: 3,
  params: [objParam('object', 'which reachable object, those in spans not yet swept this cycle first')],
  args: fc.tuple(fc.nat({ max: 63 })),
  applies: (w) => w.h.gcphase === '_GCoff' && reachableNames(w).length > 0,
  call: (w, [i]) => `runtime.SetFinalizer(${unsweptFirst(w)[i! % unsweptFirst(w).length]}, f)`,
  run(w, [i]): Ex {
    const r = unsweptFirst(w);
    const o = w.objects.get(r[i! % r.length]!)!;
    const s = w.handles.get(o.span)!;
    const { result: returned, base } = w.measure('ensureSwept', 0, () => ensureSwept(w.h, s, w.h.p(0)));
    w.settle(base);
    const swept = base.swept.length > 0;
    const ensure = { span: o.span, returned, unswept: w.needSweep.has(o.span) };
    const what = !returned ? `spins (osyield): ${w.nameOf(o.span)} is at sg${rel(s.sweepgen - w.h.sweepgen)}, someone else sweeps it` : swept ? `swept ${w.nameOf(o.span)}` : `${w.nameOf(o.span)} needed no sweep`;
    return { step: { ...base, ensureSwept: ensure, ...(swept ? { ensureSweptSwept: true } : {}) }, go: `runtime.SetFinalizer(${o.name}, f)`, comment: `addspecial's ensureSwept: ${what} (the special itself is not modelled)` };
  },
};

export const sweepCommands: readonly Cmd[] = [mallocStart, mallocStep, mallocFinish, dropRoot, link, gcStartCmd, markSome, gcMarkTerminationCmd, flushCmd, sweeperStart, sweeperStep, ensureSweptCmd];

/** class_to_size, for messages. */
export const objectBytes = (sc: number): number => class_to_size[sc]!;
