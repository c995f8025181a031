// Command-line options, parsed with node:util parseArgs (non-strict, from
// its tokens) so that every mistake gets one line of ours: an unknown
// option gets "did you mean", an option value may start with a dash
// (--seed -3), and a missing value is named.

import { parseArgs } from 'node:util';
import { UsageError, closest } from './usage.js';

export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>>;

export type Values<O extends OptionSpec> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

/** Parse argv against the options; positionals are allowed only if `positionals` is true. */
export function parseFlags<O extends OptionSpec>(argv: readonly string[], options: O, positionals = false): { values: Values<O>; positionals: string[] } {
  const { tokens } = parseArgs({ args: [...argv], options: options as never, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const pos: string[] = [];
  const names = Object.keys(options);
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (!positionals) throw new UsageError(`unexpected argument ${JSON.stringify(t.value)}${t.value.startsWith('-') ? '' : ' (this command takes options only)'}`);
      pos.push(t.value);
      continue;
    }
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (spec === undefined) {
      const long = names.filter((n) => n.length > 1);
      const guess = closest(t.name, long);
      throw new UsageError(`unknown option ${t.rawName}${guess === undefined ? ` (options: ${long.map((n) => `--${n}`).join(', ')})` : ` (did you mean --${guess}?)`}`);
    }
    if (spec.type === 'boolean') {
      if (t.inlineValue === true) throw new UsageError(`${t.rawName} takes no value, got ${t.rawName}=${t.value}`);
      values[t.name] = true;
      continue;
    }
    // A string option: its value is the next word, unless that word is one of our options.
    const v = t.value;
    const isOption = (w: string): boolean => /^--?[A-Za-z]/.test(w) && Object.hasOwn(options, w.replace(/^--?/, '').split('=')[0]!);
    if (v === undefined || (t.inlineValue !== true && isOption(v))) throw new UsageError(`${t.rawName} wants a value`);
    if (spec.multiple === true) ((values[t.name] ??= []) as string[]).push(v);
    else values[t.name] = v; // the last one wins, as with Go's flag package
  }
  return { values: values as Values<O>, positionals: pos };
}
