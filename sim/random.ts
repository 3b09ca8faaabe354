import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { z } from 'zod';

/**
 * Seeded randomness for a run. One `Random(seed)` hands out independent streams named by what
 * they are about (`rng.stream('vm', 17, 'tm.clone', 0)`): each stream's generator state is a hash
 * of (seed, key parts), so a stream's draws depend on nothing but its name. Adding a host or a VM,
 * or creating streams in another order, never changes anyone else's draws
 * (docs/architecture.md, "Determinism").
 */

/** One part of a stream's name. Numbers are named by their decimal text: `17` and `'17'` are the same part. */
export type StreamKeyPart = string | number;

export class Random {
  private readonly seedHi: number;
  private readonly seedLo: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`random seed must be a safe integer, got ${seed}`);
    }
    // Two's complement 64-bit split, so negative seeds are distinct from positive ones.
    this.seedLo = seed >>> 0;
    this.seedHi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  }

  /** The stream named by `key`; the same seed and key always give the same sequence. */
  stream(...key: StreamKeyPart[]): RandomStream {
    return new RandomStream(xoroshiro128plusFromState(deriveState(this.seedHi, this.seedLo, key)));
  }
}

export class RandomStream {
  constructor(private readonly gen: RandomGenerator) {}

  /**
   * Uniform in [0, 1), a multiple of 2^-53. Built from the high bits of two outputs: the lowest
   * bits of xoroshiro128+ are its weak ones (low linear complexity), so they are dropped.
   */
  next(): number {
    const hi = this.gen.next() >>> 5; // 27 bits
    const lo = this.gen.next() >>> 6; // 26 bits
    return (hi * 67_108_864 + lo) * 1.1102230246251565e-16;
  }

  /** Uniform integer in [0, n), for n >= 1 (53 bits of randomness, so no visible modulo bias). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

// ------------------------------------------------------------------------------ distributions

const nonNegative = z.number().finite().nonnegative();

/**
 * A distribution as plain data, the way scenario files and the latency model write it. Units are
 * the caller's (ms, MB, core-seconds): the distribution itself is unit-free. All are supported on
 * [0, inf): they model durations and sizes.
 */
export const DistributionSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('fixed'), value: nonNegative }).strict(),
  z
    .object({ dist: z.literal('uniform'), min: nonNegative, max: nonNegative })
    .strict()
    .refine((d) => d.min <= d.max, { message: 'uniform distribution needs min <= max', path: ['max'] }),
  // mean >= 0 keeps the acceptance rate of the truncation at or above one half (see sample()).
  z.object({ dist: z.literal('normal'), mean: nonNegative, sd: nonNegative }).strict(),
  z
    .object({ dist: z.literal('lognormal'), median: z.number().finite().positive(), cv: nonNegative })
    .strict(),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

export const fixed = (value: number): Distribution => ({ dist: 'fixed', value });
export const uniform = (min: number, max: number): Distribution => ({ dist: 'uniform', min, max });
export const normal = (mean: number, sd: number): Distribution => ({ dist: 'normal', mean, sd });
export const lognormal = (median: number, cv: number): Distribution => ({ dist: 'lognormal', median, cv });

/**
 * One draw of `dist` from `stream`.
 *
 * `normal` is truncated at 0 by resampling, not by clamping: clamping would put a point mass on
 * exactly 0 (with mean 100 ms and sd 80 ms, one action in ten taking no time at all), which shows
 * up as a false minimum in every stage table. Resampling keeps a continuous density (the
 * truncated normal, whose mean sits slightly above `mean`); with mean >= 0 at least half the
 * draws are accepted, so the loop ends quickly.
 *
 * `lognormal` is given by its median and coefficient of variation, the two numbers one reads off
 * a latency histogram: sigma = sqrt(ln(1 + cv^2)), mu = ln(median).
 */
export function sample(dist: Distribution, stream: RandomStream): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.value;
    case 'uniform':
      return dist.min + (dist.max - dist.min) * stream.next();
    case 'normal': {
      if (dist.sd === 0) return dist.mean;
      for (;;) {
        const x = dist.mean + dist.sd * standardNormal(stream);
        if (x >= 0) return x;
      }
    }
    case 'lognormal': {
      if (dist.cv === 0) return dist.median;
      const sigma = Math.sqrt(Math.log1p(dist.cv * dist.cv));
      return dist.median * Math.exp(sigma * standardNormal(stream));
    }
  }
}

/** The expected value (of the truncated normal, for `normal`). */
export function meanOf(dist: Distribution): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.value;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'normal': {
      if (dist.sd === 0) return dist.mean;
      const a = -dist.mean / dist.sd;
      return dist.mean + (dist.sd * standardNormalPdf(a)) / (1 - standardNormalCdf(a));
    }
    case 'lognormal':
      return dist.median * Math.sqrt(1 + dist.cv * dist.cv);
  }
}

/** Box-Muller; one of the pair is used so a draw always consumes exactly two uniforms. */
function standardNormal(stream: RandomStream): number {
  const u1 = 1 - stream.next(); // (0, 1]: log stays finite
  const u2 = stream.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function standardNormalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7: enough for a documented mean. */
function standardNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

// ------------------------------------------------------------------------------ stream seeds

/*
 * Stream state = splitmix64 applied to a running 64-bit hash of (seed, each part's UTF-8 bytes
 * and length). The mixer is splitmix64's finaliser (Stafford's variant 13), the one Vigna
 * recommends for seeding xoroshiro: nearby inputs ('vm', 17) and ('vm', 18) give unrelated states.
 * 64-bit arithmetic is done on 32-bit halves: BigInt would be several times slower, and a
 * 100,000-VM run derives hundreds of thousands of streams.
 */

const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;
const M1_HI = 0xbf58476d;
const M1_LO = 0x1ce4e5b9;
const M2_HI = 0x94d049bb;
const M2_LO = 0x133111eb;

// The running hash [hi, lo]. In a typed array, not in `let`s: a module variable holding a
// uint32 above 2^30 is boxed, and every step of the mixer would allocate a number.
const h = new Uint32Array(2);
const HI = 0;
const LO = 1;

function deriveState(seedHi: number, seedLo: number, key: readonly StreamKeyPart[]): number[] {
  h[HI] = seedHi;
  h[LO] = seedLo;
  addGamma(1);
  mix();
  for (const part of key) {
    const n = utf8(typeof part === 'number' ? String(part) : part);
    for (let i = 0; i < n; i += 8) {
      h[HI] = h[HI]! ^ readWord(n, i);
      h[LO] = h[LO]! ^ readWord(n, i + 4);
      addGamma(1);
      mix();
    }
    // The length ends the part, so ('ab', 'c') and ('a', 'bc') hash differently.
    h[HI] = h[HI]! ^ 0x8000_0000;
    h[LO] = h[LO]! ^ n;
    addGamma(1);
    mix();
  }
  // Two outputs of a splitmix64 generator seeded with the hash: the 128-bit xoroshiro state.
  const baseHi = h[HI]!;
  const baseLo = h[LO]!;
  addGamma(1);
  mix();
  const s0Hi = h[HI]!;
  const s0Lo = h[LO]!;
  h[HI] = baseHi;
  h[LO] = baseLo;
  addGamma(2);
  mix();
  let s1Hi = h[HI]!;
  const s1Lo = h[LO]!;
  if ((s0Hi | s0Lo | s1Hi | s1Lo) === 0) s1Hi = 1; // the one state xoroshiro cannot leave
  // pure-rand's order: [s0 high, s0 low, s1 high, s1 low].
  return [s0Hi | 0, s0Lo | 0, s1Hi | 0, s1Lo | 0];
}

/** Big-endian word of `scratch` at `at`, bytes past `n` reading as 0. */
function readWord(n: number, at: number): number {
  let w = 0;
  for (let i = at; i < at + 4; i += 1) w = (w << 8) | (i < n ? scratch[i]! : 0);
  return w >>> 0;
}

/** h += k * gamma (mod 2^64) */
function addGamma(k: number): void {
  for (let i = 0; i < k; i += 1) {
    const lo = h[LO]! + GAMMA_LO;
    h[HI] = h[HI]! + GAMMA_HI + (lo > 0xffff_ffff ? 1 : 0); // the typed array wraps mod 2^32
    h[LO] = lo;
  }
}

/** h = splitmix64 finaliser(h) */
function mix(): void {
  xorShift(30);
  mul(M1_HI, M1_LO);
  xorShift(27);
  mul(M2_HI, M2_LO);
  xorShift(31);
}

/** h ^= h >>> s, for 0 < s < 32 */
function xorShift(s: number): void {
  const hi = h[HI]!;
  const lo = h[LO]!;
  h[LO] = lo ^ ((lo >>> s) | (hi << (32 - s)));
  h[HI] = hi ^ (hi >>> s);
}

/** h *= (bHi, bLo) mod 2^64 */
function mul(bHi: number, bLo: number): void {
  const hi = h[HI]!;
  const lo = h[LO]!;
  h[HI] = mulHigh32(lo, bLo) + Math.imul(hi, bLo) + Math.imul(lo, bHi);
  h[LO] = Math.imul(lo, bLo);
}

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers, on 16-bit halves. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const t0 = a0 * b0;
  const t1 = a1 * b0 + (t0 >>> 16);
  const t2 = a0 * b1 + (t1 & 0xffff);
  return (a1 * b1 + Math.floor(t1 / 0x1_0000) + Math.floor(t2 / 0x1_0000)) >>> 0;
}

let scratch = new Uint8Array(64);
const encoder = new TextEncoder();

/** Writes the UTF-8 bytes of `s` to `scratch` and returns how many. ASCII takes the fast path. */
function utf8(s: string): number {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, scratch).written;
    scratch[i] = c;
  }
  return s.length;
}
