// A state fingerprint without strings: two independent 32-bit FNV-style
// hashes fed number by number. Equal content gives equal digests;
// different content collides with probability about 2^-64. Fingerprints
// tell "a refused call left the heap unchanged", so they run on every
// misuse step and must be cheap.

export class Hasher {
  private a = 0x811c9dc5;
  private b = 0x1b873593;
  private n = 0;

  /** One 32-bit integer. */
  int(x: number): void {
    this.a = Math.imul(this.a ^ (x | 0), 0x01000193);
    this.b = Math.imul(this.b ^ ((x | 0) + this.n++), 0x5bd1e995);
  }

  /** Any safe integer (addresses, byte counts), as its two 32-bit halves; Infinity and NaN get codes of their own. */
  num(x: number): void {
    if (!Number.isFinite(x)) {
      this.int(0x7ff00000);
      this.int(Number.isNaN(x) ? 1 : x > 0 ? 2 : 3);
      return;
    }
    this.int(x % 0x1_0000_0000);
    this.int(Math.floor(x / 0x1_0000_0000));
  }

  words(xs: Uint32Array): void {
    this.int(xs.length);
    for (let i = 0; i < xs.length; i++) this.int(xs[i]!);
  }

  bytes(xs: Uint8Array): void {
    this.int(xs.length);
    for (let i = 0; i < xs.length; i++) this.int(xs[i]!);
  }

  str(s: string): void {
    this.int(s.length);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
  }

  bigint(x: bigint): void {
    this.num(Number(x & 0xffffffffn));
    this.num(Number((x >> 32n) & 0xffffffffn));
  }

  digest(): string {
    return `${(this.a >>> 0).toString(16).padStart(8, '0')}${(this.b >>> 0).toString(16).padStart(8, '0')}`;
  }
}
