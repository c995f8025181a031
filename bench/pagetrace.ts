// The page-trace replay's speed: each committed real program's trace
// (conformance/pagetrace/data) replayed on the model, in events per second,
// with the catalog checked as `mheap-spec pagetrace` checks it (action
// properties every step, state invariants every step up to 5,000 events and
// every 64th beyond) and with no rule checked (the model with the spec's
// recorder underneath). Decoding the file is not timed.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parsePageTrace } from '../conformance/pagetrace/format.js';
import { replayPageTrace } from '../conformance/pagetrace/replay.js';
import { projectRoot } from '../conformance/realgo/gorunner.js';

export interface PageTraceSpeed {
  readonly name: string;
  readonly events: number;
  readonly stateEvery: number;
  readonly checkedEventsPerSec: number;
  readonly uncheckedEventsPerSec: number;
}

export function pageTraceSpeeds(log: (s: string) => void): PageTraceSpeed[] {
  const dir = path.join(projectRoot(), 'conformance', 'pagetrace', 'data');
  const out: PageTraceSpeed[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.pagetrace.gz')).sort()) {
    const file = path.join(dir, f);
    const t = parsePageTrace(readFileSync(file), file);
    const stateEvery = t.events.length <= 5000 ? 1 : 64;
    const time = (check: boolean): number => {
      const t0 = performance.now();
      replayPageTrace(t, { stateEvery, check });
      return performance.now() - t0;
    };
    time(false); // warm up
    const unchecked = time(false);
    const checked = time(true);
    const s: PageTraceSpeed = {
      name: t.header.name,
      events: t.events.length,
      stateEvery,
      checkedEventsPerSec: Math.round((t.events.length / checked) * 1000),
      uncheckedEventsPerSec: Math.round((t.events.length / unchecked) * 1000),
    };
    log(`  pagetrace ${s.name}: ${s.events} events, ${s.checkedEventsPerSec} events/s checked (state invariants every ${stateEvery === 1 ? 'step' : `${stateEvery}th step`}), ${s.uncheckedEventsPerSec} events/s unchecked`);
    out.push(s);
  }
  return out;
}
