// Action properties of sweeping: claims about one step.

import { hex } from '../../model/geometry.js';
import type { ActionProperty } from '../catalog.js';
import { go } from '../catalog.js';
import { pagesOf } from '../format.js';
import type { HeapSnapshot, HeapStep } from '../mheap/world.js';
import type { SweepSnapshot, SweepStep } from './world.js';

const specFile = 'spec/sweep/actions.ts';

const rel = (d: number): string => (d === 0 ? 'sg' : d > 0 ? `sg+${d}` : `sg${d}`);

/** The moves of a span's sweepgen Go makes, relative to h.sweepgen at the time. */
function legalMove(from: number, to: number, published: boolean): boolean {
  if (published) return to === 0; // initSpan: a new heap span is swept (fresh := sg)
  if (from === -2 && to === -1) return true; // tryAcquire
  if (from === -1 && to === 0) return true; // the end of a sweep
  if (from === 0 && to === 3) return true; // mcache.refill caches it
  if (from === 3 && to === 0) return true; // uncacheSpan of a span cached after the sweep began
  if (from === 1 && to === -1) return true; // uncacheSpan of a stale span, which it then sweeps
  return false;
}

function moveProblem(b: HeapSnapshot, s: HeapStep): string | undefined {
  for (const m of s.sweepgenWrites) {
    if (!legalMove(m.from, m.to, m.published)) return `the span [${hex(m.span.base())}, +${pagesOf(m.span.npages)})'s sweepgen went ${rel(m.from)} -> ${rel(m.to)}${m.published ? ' as it was published' : ''}, which no sweeper, cache or allocation does`;
  }
  if (s.heapSweepgenStep !== 0) {
    if (s.op !== 'gcMarkTermination' || s.heapSweepgenStep !== 2) return `h.sweepgen moved by ${s.heapSweepgenStep} in ${s.op}; it moves by 2, in mark termination only, with the world stopped`;
    if (b.gcphase !== '_GCmark') return `h.sweepgen moved during ${b.gcphase}`;
  }
  return undefined;
}

export const sweepgenMovesLegally: ActionProperty<HeapSnapshot, HeapStep> = {
  id: 'sweepgenMovesLegally',
  kind: 'action',
  go: go('mheap.go', 'type mspan (sweepgen)'),
  quote: 'if sweepgen == h->sweepgen - 2, the span needs sweeping … h->sweepgen is incremented by 2 after every GC',
  quoteJoined: true,
  statement:
    "Every write of a span's sweepgen is one of Go's moves: a new span is published at sg; sg-2 -> sg-1 (tryAcquire); sg-1 -> sg (the end of a sweep); sg -> sg+3 (mcache.refill); sg+3 -> sg and sg+1 -> sg-1 (uncacheSpan, which sweeps the stale one). h.sweepgen itself moves by 2, only in mark termination, with the world stopped.",
  against: "Go's sweepgen table, for every sweepgen write the model makes (a ghost record), relative to h.sweepgen at the time",
  specFile,
  holds: (b, _a, s) => moveProblem(b, s) === undefined,
  why: (b, _a, s) => moveProblem(b, s) ?? '',
};

function slotProblem(s: SweepStep): string | undefined {
  const r = s.reserved;
  if (r === undefined) return undefined;
  if (r.staleTinyBlock !== undefined) return `mallocgc packed ${r.name} into the P's tiny block, which is no longer a live tiny object (${r.staleTinyBlock}): a tiny block is dropped at mark termination, before a sweep can free it`;
  if (r.occupiedBy === undefined) return undefined;
  return `mallocgc gave ${r.name} slot ${r.slot} of s${r.span}, where ${r.occupiedBy} still lives: a freed slot is reused only after its span is swept, and a live one never`;
}

export const mallocgcReturnsAFreeSlot: ActionProperty<SweepSnapshot, SweepStep> = {
  id: 'mallocgcReturnsAFreeSlot',
  kind: 'action',
  go: go('mbitmap.go', '(*mspan).nextFreeIndex'),
  quote: 'nextFreeIndex returns the index of the next free object in s at or after s.freeindex.',
  statement:
    'mallocgc hands out a slot no live object holds: a slot whose object was freed is handed out again only after its span was swept. A tiny object shares the current tiny block, which is still a live tiny object (never freed, never another object\'s slot): mark termination drops every tiny block before a sweep can free it.',
  against: 'the objects the spec keeps live',
  specFile,
  holds: (_b, _a, s) => slotProblem(s) === undefined,
  why: (_b, _a, s) => slotProblem(s) ?? '',
};

function ensureSweptProblem(s: SweepStep): string | undefined {
  const e = s.ensureSwept;
  if (e === undefined || !e.returned || !e.unswept) return undefined;
  return `ensureSwept(s${e.span}) returned, but s${e.span} was live when this sweep generation began and no sweep has reached it: its caller would use it unswept`;
}

export const ensureSweptReturnsSwept: ActionProperty<SweepSnapshot, SweepStep> = {
  id: 'ensureSweptReturnsSwept',
  kind: 'action',
  go: go('mgcsweep.go', '(*mspan).ensureSwept'),
  quote: 'Returns only when span s has been swept.',
  statement: 'When ensureSwept returns, its span has been swept this sweep generation (by the caller itself, by another sweeper, or by the mcache that held it), or was allocated since the generation began; otherwise Go spins until it is.',
  against: "the spans live at mark termination that the spec's sweep records have not reached (ghost)",
  specFile,
  holds: (_b, _a, s) => ensureSweptProblem(s) === undefined,
  why: (_b, _a, s) => ensureSweptProblem(s) ?? '',
};

function reclaimProblem(s: SweepStep): string | undefined {
  const r = s.reclaim;
  if (r === undefined || r.deadLeft === undefined) return undefined;
  return `mheap.alloc took ${pagesOf(r.npages)} while sweeping was unfinished; its reclaim found ${pagesOf(r.found)} and ${pagesOf(r.took)} of credit, ${pagesOf(r.owed)} short, yet s${r.deadLeft} is still unswept with nothing marked: reclaim should have swept and freed it first`;
}

export const allocReclaimsFirst: ActionProperty<SweepSnapshot, SweepStep> = {
  id: 'allocReclaimsFirst',
  kind: 'action',
  go: go('mheap.go', '(*mheap).reclaim'),
  quote: 'reclaim sweeps and reclaims at least npage pages into the heap. It is called before allocating npage pages to keep growth in check.',
  statement:
    "An allocation of npage pages from the heap while spans wait for sweeping first reclaims: the pages sweepone freed since the generation began (credit), then the pages of unmarked spans it sweeps and frees itself; if those fall short of npage, it has scanned every arena of the generation (or found sweeping drained), so no unswept span with nothing marked (one a sweep would free whole) is left, but those a sweeper has taken from the unswept sets and will sweep.",
  against: "the spec's ledger of reclaim credit (pages of spans sweepone freed whole, as the spec judged them), the spans live at mark termination that no sweep has reached (ghost), and the marks the spec decided",
  specFile,
  holds: (_b, _a, s) => reclaimProblem(s) === undefined,
  why: (_b, _a, s) => reclaimProblem(s) ?? '',
};

function bumpProblem(s: SweepStep): string | undefined {
  const b = s.bump;
  if (b === undefined) return undefined;
  const swept = new Set((s.swept ?? []).map((x) => x.id));
  for (const [id, d] of b.after) {
    const p = b.cachedBefore.get(id);
    const want = p !== undefined && b.deferred.includes(p) ? 1 : swept.has(id) ? 0 : -2;
    if (d === want) continue;
    const why = want === 1 ? `P${p} still caches it (its flush waits for its safe point)` : want === 0 ? 'a flush swept it' : p !== undefined ? `P${p} flushed it, but no sweep of it was recorded` : 'nothing swept it, and no mcache holds it';
    return `after mark termination s${id} is at ${rel(d)}, but ${why}: it should be at ${rel(want)}`;
  }
  return undefined;
}

export const markTerminationBeginsTheSweep: ActionProperty<SweepSnapshot, SweepStep> = {
  id: 'markTerminationBeginsTheSweep',
  kind: 'action',
  go: go('mgc.go', 'gcMarkTermination'),
  quote: 'Ensure all mcaches are flushed. Each P will flush its own mcache before allocating, but idle Ps may not. Since this is necessary to sweep all spans, we need to ensure all mcaches are flushed before we start the next GC cycle.',
  statement:
    'Mark termination begins a sweep generation: right after it, every in-use heap span needs sweeping (sg-2), or is still cached by a running P whose flush waits for its next safe point (sg+1), or was cached by a P that flushed and was swept on the way back (sg); none is being swept (sg-1) or cached after the sweep began (sg+3).',
  against: "the mcaches' contents before the step and the Ps the scheduler let flush later (the command's choice), and the spec's record of the step's sweeps",
  specFile,
  holds: (_b, _a, s) => bumpProblem(s) === undefined,
  why: (_b, _a, s) => bumpProblem(s) ?? '',
};

export const sweepActionProperties: readonly ActionProperty<SweepSnapshot, SweepStep>[] = [mallocgcReturnsAFreeSlot, ensureSweptReturnsSwept, allocReclaimsFirst, markTerminationBeginsTheSweep];
