// The four operators of the deterministic solver (assembly/deterministic/,
// design in src/deterministic/README.md), held to conservation, positivity,
// their defining formulas (direct evaluations in plain TypeScript), known
// analytic cases, and to each other across the SIMD and scalar builds; and
// the step loop's two fused passes (collide, stream) to those operators, bit
// for bit.
import { describe, expect, it } from 'vitest';
import { smallKernel } from '../helpers/kernel.js';
import { KERNEL_VARIANTS, type KernelExports, type KernelVariant } from '../../src/engine/kernel.js';
import { threadScratchValues } from '../../src/deterministic/solverMemory.js';
import { seededRandom } from '../../src/physics/index.js';

/** Seeded uniform deviates in [0, 1), so every run and both builds see the same inputs. */
const seeded = seededRandom;

interface Dims {
  ne: number; nTheta: number; nz: number; nx: number; nMaterials: number; jMax: number;
  /** Targets per (e, m) of the loss tables (default 3). */
  lossSlots?: number;
}

const slotsOf = (d: Dims): number => d.lossSlots ?? 3;

/** Host-side tables, as src/deterministic/README.md lays them out. */
interface Tables {
  cellMaterial: Int32Array; energyMeV: Float64Array;
  kernelHalfWidth: Int32Array; kernelWeights: Float64Array;
  lossFirstBin: Int32Array; lossWeights: Float64Array; lossDepositMeV: Float64Array; lossAbsorbed: Float64Array;
  shiftX: Float64Array; shiftZ: Float64Array;
}

/** Positive weights summing to 1 (some set to 0 where `zeroChance` says). */
function normalised(count: number, random: () => number, zeroChance = 0): number[] {
  const w = Array.from({ length: count }, () => (random() < zeroChance ? 0 : 0.05 + random()));
  if (w.reduce((a, b) => a + b, 0) === 0) w[0] = 1;
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/**
 * Random valid tables: angular kernels of random half widths 0..jMax; loss
 * moves to the L = slotsOf(d) bins from jLo = e - (L - 1) - {0, 1, 2} on
 * (below 0: absorbed) with random weights, some of them 0, and deposits
 * consistent with the energies; shifts in [-1, 1] along x and [0, 1] along z.
 */
function randomTables(d: Dims, random: () => number): Tables {
  const cells = d.nz * d.nx, kernels = d.ne * d.nMaterials, width = 2 * d.jMax + 1;
  const t: Tables = {
    cellMaterial: Int32Array.from({ length: cells }, () => Math.floor(random() * d.nMaterials)),
    energyMeV: Float64Array.from({ length: d.ne }, (_, e) => 3 + 4 * e + random()),
    kernelHalfWidth: new Int32Array(kernels), kernelWeights: new Float64Array(kernels * width),
    lossFirstBin: new Int32Array(kernels), lossWeights: new Float64Array(kernels * slotsOf(d)),
    lossDepositMeV: new Float64Array(kernels), lossAbsorbed: new Float64Array(kernels),
    shiftX: Float64Array.from({ length: d.nTheta }, () => 2 * random() - 1),
    shiftZ: Float64Array.from({ length: d.nTheta }, () => random()),
  };
  for (let k = 0; k < kernels; k++) {
    const e = Math.floor(k / d.nMaterials);
    const halfWidth = Math.floor(random() * (d.jMax + 1));
    t.kernelHalfWidth[k] = halfWidth;
    normalised(2 * halfWidth + 1, random).forEach((w, i) => { t.kernelWeights[k * width + d.jMax - halfWidth + i] = w; });
    const slots = slotsOf(d);
    const jLo = e - (slots - 1) - Math.floor(random() * 3);
    t.lossFirstBin[k] = jLo;
    let deposit = t.energyMeV[e]!, absorbed = 0;
    normalised(slots, random, slots > 3 ? 0.5 : 0.15).forEach((w, q) => {
      t.lossWeights[slots * k + q] = w;
      if (jLo + q >= 0) deposit -= w * t.energyMeV[jLo + q]!;
      else absorbed += w;
    });
    t.lossDepositMeV[k] = deposit;
    t.lossAbsorbed[k] = absorbed;
  }
  return t;
}

/** The most bins any move of the tables drops (a target >= 0 with a weight != 0): collide's lossReach. */
function lossReachOf(d: Dims, t: Tables): number {
  let reach = 0;
  for (let k = 0; k < d.ne * d.nMaterials; k++) {
    const e = Math.floor(k / d.nMaterials);
    for (let q = 0; q < slotsOf(d); q++) {
      const j = t.lossFirstBin[k]! + q;
      if (j >= 0 && t.lossWeights[slotsOf(d) * k + q] !== 0) reach = Math.max(reach, e - j);
    }
  }
  return reach;
}

/** The tables with the three-point angular kernel (J = 1, weights v/2, 1 - v, v/2) for every (e, m): collide's one-pass case. */
function withThreePointKernels(d: Dims, t: Tables, random: () => number): Tables {
  const width = 2 * d.jMax + 1;
  const kernelWeights = new Float64Array(t.kernelWeights.length);
  for (let k = 0; k < d.ne * d.nMaterials; k++) {
    const v = 0.05 + 0.9 * random();
    kernelWeights.set([v / 2, 1 - v, v / 2], k * width + d.jMax - 1);
  }
  return { ...t, kernelHalfWidth: new Int32Array(t.kernelHalfWidth.length).fill(1), kernelWeights };
}

interface Ranges { eFirst: number; eEnd: number; zFirst: number; zEnd: number }

/** Non-negative random psi in the given ranges (zero elsewhere), with about `emptyRows` of its rows zero. */
function randomPsi(d: Dims, random: () => number, r: Ranges, emptyRows = 0.3): Float64Array {
  const psi = new Float64Array(d.ne * d.nz * d.nx * d.nTheta);
  for (let e = r.eFirst; e < r.eEnd; e++) for (let z = r.zFirst; z < r.zEnd; z++) for (let x = 0; x < d.nx; x++) {
    if (random() < emptyRows) continue;
    const row = ((e * d.nz + z) * d.nx + x) * d.nTheta;
    for (let t = 0; t < d.nTheta; t++) psi[row + t] = random() < 0.2 ? 0 : random() * (random() < 0.1 ? 100 : 1);
  }
  return psi;
}

/** The solver's arrays in one kernel instance's memory, and its operators on them. */
class Grid {
  private constructor(readonly kernel: KernelExports, readonly memory: WebAssembly.Memory, readonly d: Dims,
    private readonly at: Record<string, number>, readonly lossReach: number) {}

  static async create(variant: KernelVariant, d: Dims, tables: Tables): Promise<Grid> {
    const psiBytes = d.ne * d.nz * d.nx * d.nTheta * 8;
    const sizes: Record<string, number> = {
      psiA: psiBytes, psiB: psiBytes, dose: d.nz * d.nx * 8, tallies: 64, probe: d.nx * 8,
      scratch: threadScratchValues({ ...d, lossReach: lossReachOf(d, tables) }) * 8,
      ...Object.fromEntries(Object.entries(tables).map(([name, array]) => [name, (array as Float64Array | Int32Array).byteLength])),
    };
    const at: Record<string, number> = {};
    let end = 64;   // keep 0 unused
    for (const [name, bytes] of Object.entries(sizes)) { at[name] = end; end += Math.ceil(bytes / 64) * 64; }
    const { kernel, memory } = await smallKernel(variant, Math.ceil(end / 65536));
    const grid = new Grid(kernel, memory, d, at, lossReachOf(d, tables));
    for (const [name, array] of Object.entries(tables)) {
      new Uint8Array(memory.buffer, at[name]!, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
    return grid;
  }

  f64(name: string, length: number): Float64Array { return new Float64Array(this.memory.buffer, this.at[name]!, length); }
  get psiLength(): number { return this.d.ne * this.d.nz * this.d.nx * this.d.nTheta; }
  psi(buffer: 'A' | 'B'): Float64Array { return this.f64(`psi${buffer}`, this.psiLength); }
  get tallies(): Float64Array { return this.f64('tallies', 8); }
  get dose(): Float64Array { return this.f64('dose', this.d.nz * this.d.nx); }
  get probe(): Float64Array { return this.f64('probe', this.d.nx); }
  setShifts(axis: 'X' | 'Z', values: ArrayLike<number>): void { this.f64(`shift${axis}`, this.d.nTheta).set(values); }

  scatter(buffer: 'A' | 'B', r: Ranges = this.all): void {
    const { d, at } = this;
    this.kernel.scatterAngles(at[`psi${buffer}`]!, d.nTheta, d.nz, d.nx, r.eFirst, r.eEnd, r.zFirst, r.zEnd,
      at.cellMaterial!, d.nMaterials, at.kernelHalfWidth!, at.kernelWeights!, d.jMax, at.scratch!);
  }

  lose(r: Ranges = this.all, floor = 1e-30): void {
    const { d, at } = this;
    this.kernel.loseEnergy(at.psiA!, at.psiB!, d.ne, d.nTheta, d.nz, d.nx, r.zFirst, r.zEnd, r.eFirst, r.eEnd,
      at.cellMaterial!, d.nMaterials, at.lossFirstBin!, at.lossWeights!, slotsOf(d), at.lossDepositMeV!, at.lossAbsorbed!,
      at.energyMeV!, at.dose!, at.tallies!, floor);
  }

  streamX(from: 'A' | 'B', r: Ranges = this.all): void {
    const { d, at } = this;
    this.kernel.streamX(at[`psi${from}`]!, at[`psi${from === 'A' ? 'B' : 'A'}`]!, d.nTheta, d.nz, d.nx,
      r.eFirst, r.eEnd, r.zFirst, r.zEnd, at.shiftX!, at.energyMeV!, at.tallies!);
  }

  streamZ(from: 'A' | 'B', r: Ranges = this.all, probeFace = -1): void {
    const { d, at } = this;
    this.kernel.streamZ(at[`psi${from}`]!, at[`psi${from === 'A' ? 'B' : 'A'}`]!, d.nTheta, d.nz, d.nx,
      r.eFirst, r.eEnd, r.zFirst, r.zEnd, at.shiftZ!, at.energyMeV!, at.tallies!, probeFace, at.probe!);
  }

  /** The fused collision pass, A -> B: source bins r.eFirst..r.eEnd of rows r.zFirst..r.zEnd. */
  collide(r: Ranges = this.all, floor = 1e-30): void {
    const { d, at } = this;
    this.kernel.collide(at.psiA!, at.psiB!, d.nTheta, d.nz, d.nx, r.zFirst, r.zEnd, r.eFirst, r.eEnd, this.lossReach,
      at.cellMaterial!, d.nMaterials, at.kernelHalfWidth!, at.kernelWeights!, d.jMax, at.lossFirstBin!, at.lossWeights!, slotsOf(d),
      at.lossDepositMeV!, at.lossAbsorbed!, at.energyMeV!, at.dose!, at.tallies!, floor, at.scratch!);
  }

  /** The fused streaming pass, `from` -> the other buffer. */
  stream(from: 'A' | 'B', r: Ranges = this.all, probeFace = -1): void {
    const { d, at } = this;
    this.kernel.stream(at[`psi${from}`]!, at[`psi${from === 'A' ? 'B' : 'A'}`]!, d.nTheta, d.nz, d.nx, r.eFirst, r.eEnd,
      r.zFirst, r.zEnd, at.shiftX!, at.shiftZ!, at.energyMeV!, at.tallies!, probeFace, at.probe!, at.scratch!);
  }

  /** The bins collide writes of source bins [eFirst, eEnd). */
  outRange(r: Ranges): Ranges { return { ...r, eFirst: Math.max(0, r.eFirst - this.lossReach) }; }

  get all(): Ranges { return { eFirst: 0, eEnd: this.d.ne, zFirst: 0, zEnd: this.d.nz }; }
  index(e: number, z: number, x: number, t: number): number { return ((e * this.d.nz + z) * this.d.nx + x) * this.d.nTheta + t; }
}

const sum = (a: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]!; return s; };
/** The bytes of a Float64Array, for comparisons bit for bit. */
const bits = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const min = (a: ArrayLike<number>): number => { let m = Infinity; for (let i = 0; i < a.length; i++) m = Math.min(m, a[i]!); return m; };

/** sum over e, z, x, t of E_e psi. */
function energyOf(grid: Grid, psi: Float64Array): number {
  const perE = grid.d.nz * grid.d.nx * grid.d.nTheta;
  const energyMeV = grid.f64('energyMeV', grid.d.ne);
  let s = 0;
  for (let i = 0; i < psi.length; i++) s += energyMeV[Math.floor(i / perE)]! * psi[i]!;
  return s;
}

/** Largest |a - b| / scale over two arrays. */
function worstDifference(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  return worst;
}

describe('the limited slope of assembly/deterministic/muscl.ts', () => {
  // pmin and pmax as the wasm SIMD spec (and pairs.ts) define them
  const pmin = (a: number, b: number): number => (b < a ? b : a);
  const pmax = (a: number, b: number): number => (a < b ? b : a);
  const median0 = (x: number, y: number): number => pmin(pmax(0, pmin(x, y)), pmax(x, y));
  it('median of 0, min(2a, 2b, c), max(2a, 2b, c) selects what minmod(minmod(2a, 2b), c) does, bit for bit', () => {
    // Both only select among their arguments and +0 by comparisons, so every order of three values around +-0, ties
    // included, covers every case.
    const values = [-Infinity, -3, -2, -1, -0.5, -0, 0, 0.5, 1, 2, 3, Infinity];
    for (const x of values) for (const y of values) for (const c of values) {
      const nested = median0(median0(x, y), c);
      const median = pmin(pmax(0, pmin(pmin(x, y), c)), pmax(pmax(x, y), c));
      expect(Object.is(median, nested)).toBe(true);
    }
  });
});

const minmod = (a: number, b: number): number => (a * b <= 0 ? 0 : Math.abs(a) < Math.abs(b) ? a : b);
/** The monotonized central slope of assembly/deterministic/muscl.ts: minmod(2a, 2b, (a + b) / 2). */
const limitedSlope = (a: number, b: number): number => minmod(minmod(2 * a, 2 * b), (a + b) / 2);

/**
 * One MUSCL step of a column by a shift f in [-1, 1], written directly from
 * the formulas of src/deterministic/README.md with the kernels' limited slope
 * (no slope in the first and last cells, nothing enters from outside).
 */
function musclReference(q: number[], f: number): { out: number[]; escaped: number } {
  const n = q.length;
  if (f < 0) {
    const mirrored = musclReference([...q].reverse(), -f);
    return { out: mirrored.out.reverse(), escaped: mirrored.escaped };
  }
  const slope = q.map((v, i) => (i === 0 || i === n - 1 ? 0 : limitedSlope(v - q[i - 1]!, q[i + 1]! - v)));
  const flux = q.map((v, i) => Math.min(f * v + f * (1 - f) / 2 * slope[i]!, v));
  return { out: q.map((v, i) => v - flux[i]! + (i > 0 ? flux[i - 1]! : 0)), escaped: flux[n - 1]! };
}

/**
 * Streams psi (put in buffer A; B filled with a sentinel) along an axis and
 * holds the result to the formulas (every column along the axis through
 * musclReference; psiOut rows outside [zFirst, zEnd), or [zFirst, zEnd + 1)
 * along z, keep the sentinel), to positivity, and to conservation of
 * particles and energy with the escape tallies (1e-12). Returns the escaped particles.
 */
function streamAndCheck(grid: Grid, psi: Float64Array, axis: 'X' | 'Z', r: Ranges): number {
  const { d } = grid;
  const sentinel = -3;
  grid.psi('A').set(psi);
  grid.psi('B').fill(sentinel);
  grid.tallies.fill(0);
  if (axis === 'X') grid.streamX('A', r); else grid.streamZ('A', r);
  const out = grid.psi('B');
  const shifts = grid.f64(`shift${axis}`, d.nTheta);
  const rowsEnd = axis === 'X' ? r.zEnd : Math.min(r.zEnd + 1, d.nz);
  const expected = new Float64Array(out.length).fill(sentinel);
  const [acrossFirst, acrossEnd, length] = axis === 'X' ? [r.zFirst, r.zEnd, d.nx] : [0, d.nx, d.nz];
  for (let e = r.eFirst; e < r.eEnd; e++) for (let across = acrossFirst; across < acrossEnd; across++) {
    for (let t = 0; t < d.nTheta; t++) {
      const at = (i: number): number => (axis === 'X' ? grid.index(e, across, i, t) : grid.index(e, i, across, t));
      const column = Array.from({ length }, (_, i) => psi[at(i)]!);
      musclReference(column, shifts[t]!).out.forEach((v, i) => {
        const z = axis === 'X' ? across : i;
        if (z >= r.zFirst && z < rowsEnd) expected[at(i)] = v;
      });
    }
  }
  expect(worstDifference(out, expected, 100)).toBeLessThan(1e-14);
  const kept = out.map((v) => (v === sentinel ? 0 : v));
  expect(min(kept)).toBeGreaterThanOrEqual(0);
  const [escaped, escapedEnergy] = grid.tallies;
  expect(Math.abs(sum(kept) + escaped! - sum(psi)) / sum(psi)).toBeLessThan(1e-12);
  expect(Math.abs(energyOf(grid, kept) + escapedEnergy! - energyOf(grid, psi)) / energyOf(grid, psi)).toBeLessThan(1e-12);
  return escaped!;
}

/** First-order upwind for comparison: F = f q. */
function upwindStep(q: number[], f: number): number[] {
  return q.map((v, i) => v - f * v + (i > 0 ? f * q[i - 1]! : 0));
}

/** Mean and variance of a distribution over positions 0..n-1. */
function moments(q: ArrayLike<number>): { mean: number; variance: number } {
  let s0 = 0, s1 = 0, s2 = 0;
  for (let i = 0; i < q.length; i++) { s0 += q[i]!; s1 += i * q[i]!; s2 += i * i * q[i]!; }
  const mean = s1 / s0;
  return { mean, variance: s2 / s0 - mean * mean };
}

const dims: Dims = { ne: 7, nTheta: 12, nz: 6, nx: 9, nMaterials: 3, jMax: 4 };
const subRanges: Ranges = { eFirst: 1, eEnd: 6, zFirst: 1, zEnd: 4 };

describe.each(KERNEL_VARIANTS)('deterministic operators, %s build', (variant) => {
  describe('scatterAngles', () => {
    it('keeps every row\'s particles (1e-12), stays non-negative, equals the folded convolution, and leaves other rows alone', async () => {
      const random = seeded(11);
      const tables = randomTables(dims, random);
      const grid = await Grid.create(variant, dims, tables);
      const psi = randomPsi(dims, random, grid.all);
      grid.psi('A').set(psi);
      grid.scatter('A', subRanges);
      const out = grid.psi('A');
      const { nTheta, nMaterials, jMax } = dims;
      for (let e = 0; e < dims.ne; e++) for (let z = 0; z < dims.nz; z++) for (let x = 0; x < dims.nx; x++) {
        const row = grid.index(e, z, x, 0);
        const before = psi.subarray(row, row + nTheta), after = out.subarray(row, row + nTheta);
        const inside = e >= subRanges.eFirst && e < subRanges.eEnd && z >= subRanges.zFirst && z < subRanges.zEnd;
        if (!inside) { expect(Array.from(after)).toEqual(Array.from(before)); continue; }
        const k = e * nMaterials + tables.cellMaterial[z * dims.nx + x]!;
        const halfWidth = tables.kernelHalfWidth[k]!;
        const expected = new Array<number>(nTheta).fill(0);
        for (let t = 0; t < nTheta; t++) for (let j = -halfWidth; j <= halfWidth; j++) {
          expected[Math.min(Math.max(t + j, 0), nTheta - 1)]! += tables.kernelWeights[k * (2 * jMax + 1) + jMax + j]! * before[t]!;
        }
        const scale = Math.max(sum(before), 1e-300);
        expect(Math.abs(sum(after) - sum(before)) / scale).toBeLessThan(1e-12);
        expect(worstDifference(after, expected, scale)).toBeLessThan(1e-14);
        expect(min(after)).toBeGreaterThanOrEqual(0);
      }
    });

    it('with a three-point kernel adds exactly v to the variance of theta and keeps its mean, away from the edges', async () => {
      const d: Dims = { ne: 1, nTheta: 72, nz: 1, nx: 1, nMaterials: 1, jMax: 1 };
      const v = 0.37;
      const tables = randomTables(d, seeded(2));
      tables.kernelHalfWidth[0] = 1;
      tables.kernelWeights.set([v / 2, 1 - v, v / 2]);
      const grid = await Grid.create(variant, d, tables);
      const psi = grid.psi('A');
      for (let t = 0; t < 72; t++) psi[t] = Math.exp(-0.5 * ((t - 33.3) / 4) ** 2);
      const before = moments(psi);
      grid.scatter('A');
      const after = moments(grid.psi('A'));
      expect(after.mean).toBeCloseTo(before.mean, 11);
      expect(after.variance - before.variance).toBeCloseTo(v, 10);
    });

    it('folds the moves beyond the first and last bins into them', async () => {
      const d: Dims = { ne: 1, nTheta: 6, nz: 1, nx: 1, nMaterials: 1, jMax: 2 };
      const tables = randomTables(d, seeded(3));
      tables.kernelHalfWidth[0] = 2;
      tables.kernelWeights.set([0.1, 0.2, 0.4, 0.2, 0.1]);
      const grid = await Grid.create(variant, d, tables);
      grid.psi('A').set([1, 0, 0, 0, 0, 2]);
      grid.scatter('A');
      // Bin 0 keeps 0.4 and gains the moves by -1 and -2; bin 5 likewise with +1 and +2.
      const expected = [0.1 + 0.2 + 0.4, 0.2, 0.1, 2 * 0.1, 2 * 0.2, 2 * (0.4 + 0.2 + 0.1)];
      Array.from(grid.psi('A')).forEach((value, t) => expect(value).toBeCloseTo(expected[t]!, 15));
    });
  });

  describe('loseEnergy', () => {
    async function lossCase(floor: number, d: Dims) {
      const random = seeded(21);
      const tables = randomTables(d, random);
      const grid = await Grid.create(variant, d, tables);
      const psi = randomPsi(d, random, grid.all);
      grid.psi('A').set(psi);
      const sentinel = -7;
      grid.psi('B').fill(sentinel);   // psiOut must be zeroed where it is written
      grid.dose.set(Float64Array.from({ length: grid.dose.length }, () => random()));
      const doseBefore = Float64Array.from(grid.dose);
      grid.lose(subRanges, floor);
      // What the kernel was asked to move: source bins [eFirst, eEnd) in rows [zFirst, zEnd).
      const moved = new Float64Array(psi.length);
      for (let e = subRanges.eFirst; e < subRanges.eEnd; e++) for (let z = subRanges.zFirst; z < subRanges.zEnd; z++) {
        const start = grid.index(e, z, 0, 0), end = grid.index(e, z + 1, 0, 0);
        moved.set(psi.subarray(start, end), start);
      }
      const out = grid.psi('B');
      const written = new Float64Array(out.length);
      for (let e = 0; e < dims.ne; e++) for (let z = 0; z < dims.nz; z++) {
        const start = grid.index(e, z, 0, 0), end = grid.index(e, z + 1, 0, 0);
        if (z >= subRanges.zFirst && z < subRanges.zEnd) written.set(out.subarray(start, end), start);
        else for (let i = start; i < end; i++) expect(out[i]).toBe(sentinel);
      }
      return { grid, tables, moved, written, doseBefore };
    }

    // Three targets per (e, m), and six with about half their weights 0 (gaps, runs of two and three, single targets).
    const slotDims = [dims, { ...dims, lossSlots: 6 }];
    it.each(slotDims)('conserves particles and energy (1e-12) with absorption and deposits accounted, and matches the tables ($lossSlots slots)', async (d) => {
      const { grid, tables, moved, written, doseBefore } = await lossCase(1e-30, d);
      const [, , absorbed, deposited, floored] = grid.tallies;
      expect(floored).toBe(0);
      expect(Math.abs(sum(written) + absorbed! - sum(moved)) / sum(moved)).toBeLessThan(1e-12);
      const energyIn = energyOf(grid, moved);
      expect(Math.abs(energyOf(grid, written) + deposited! - energyIn) / energyIn).toBeLessThan(1e-12);
      const doseAdded = sum(grid.dose) - sum(doseBefore);
      expect(Math.abs(doseAdded - deposited!) / deposited!).toBeLessThan(1e-12);
      expect(min(written)).toBeGreaterThanOrEqual(0);
      // Direct evaluation: out[jLo + q] += w_q in[e], per cell.
      const expected = new Float64Array(written.length);
      const { nMaterials, nx, nTheta } = d;
      const slots = slotsOf(d);
      for (let e = 0; e < d.ne; e++) for (let z = 0; z < d.nz; z++) for (let x = 0; x < nx; x++) {
        const k = e * nMaterials + tables.cellMaterial[z * nx + x]!;
        for (let q = 0; q < slots; q++) {
          const j = tables.lossFirstBin[k]! + q;
          if (j < 0) continue;
          for (let t = 0; t < nTheta; t++) expected[grid.index(j, z, x, t)]! += tables.lossWeights[slots * k + q]! * moved[grid.index(e, z, x, t)]!;
        }
      }
      expect(worstDifference(written, expected, 100)).toBeLessThan(1e-14);
    });

    it.each(slotDims)('drops values below the floor as absorbed, depositing their energy, and still conserves ($lossSlots slots)', async (d) => {
      const floor = 0.2;
      const { grid, moved, written, doseBefore } = await lossCase(floor, d);
      const [, , absorbed, deposited, floored] = grid.tallies;
      expect(floored).toBeGreaterThan(0);
      expect(absorbed).toBeGreaterThan(floored!);
      for (const value of written) expect(value === 0 || value >= floor).toBe(true);
      expect(Math.abs(sum(written) + absorbed! - sum(moved)) / sum(moved)).toBeLessThan(1e-12);
      const energyIn = energyOf(grid, moved);
      expect(Math.abs(energyOf(grid, written) + deposited! - energyIn) / energyIn).toBeLessThan(1e-12);
      expect(Math.abs(sum(grid.dose) - sum(doseBefore) - deposited!) / deposited!).toBeLessThan(1e-12);
    });
  });

  describe('streamX', () => {
    it('conserves particles and energy with escapes accounted (1e-12), stays non-negative and equals the MUSCL formulas', async () => {
      const random = seeded(31);
      const tables = randomTables(dims, random);
      const grid = await Grid.create(variant, dims, tables);
      for (let round = 0; round < 5; round++) {
        grid.setShifts('X', Array.from({ length: dims.nTheta }, () => 2 * random() - 1));
        streamAndCheck(grid, randomPsi(dims, random, subRanges), 'X', subRanges);
      }
    });

    it('is an exact shift for f = 1 and f = -1 and the identity for f = 0', async () => {
      const d: Dims = { ne: 1, nTheta: 4, nz: 1, nx: 7, nMaterials: 1, jMax: 0 };
      const grid = await Grid.create(variant, d, randomTables(d, seeded(4)));
      const random = seeded(5);
      const psi = Float64Array.from({ length: 28 }, () => random());
      grid.psi('A').set(psi);
      grid.setShifts('X', [1, 0, -1, 0]);
      grid.streamX('A');
      const out = grid.psi('B');
      for (let x = 0; x < 7; x++) {
        expect(out[x * 4]).toBe(x > 0 ? psi[(x - 1) * 4] : 0);
        expect(out[x * 4 + 1]).toBe(psi[x * 4 + 1]);
        expect(out[x * 4 + 2]).toBe(x < 6 ? psi[(x + 1) * 4 + 2] : 0);
        expect(out[x * 4 + 3]).toBe(psi[x * 4 + 3]);
      }
      expect(grid.tallies[0]).toBe(psi[6 * 4]! + psi[2]!);
    });

    // Limiters clip the slope at the peak, a diffusion that grows as the
    // profile narrows: over these 20 cells the variance grows by 14%, 1.2%,
    // 0.25% and 0.04% for sigma = 2, 3, 4 and 6 cells with the monotonized
    // central slope, and by 73%, 24%, 10% and 2.8% with minmod (computed with
    // musclReference); first-order upwind adds f (1 - f) = 0.25 cells^2 per
    // step, +62% at sigma = 4.
    it('moves a Gaussian (sigma 4 cells) 20 cells at f = 0.5 keeping its variance within 5%, where first-order upwind would not', async () => {
      const nx = 100, sigma = 4, f = 0.5, steps = 40;
      const d: Dims = { ne: 1, nTheta: 2, nz: 1, nx, nMaterials: 1, jMax: 0 };
      const grid = await Grid.create(variant, d, randomTables(d, seeded(6)));
      grid.setShifts('X', [f, f]);
      const initial = Array.from({ length: nx }, (_, x) => Math.exp(-0.5 * ((x - 30) / sigma) ** 2));
      const psiA = grid.psi('A');
      initial.forEach((v, x) => { psiA[2 * x] = v; psiA[2 * x + 1] = v; });
      for (let step = 0; step < steps; step += 2) { grid.streamX('A'); grid.streamX('B'); }
      const final = Array.from({ length: nx }, (_, x) => grid.psi('A')[2 * x]!);
      const start = moments(initial), end = moments(final);
      expect(Math.abs(end.mean - start.mean - steps * f)).toBeLessThan(1e-6);
      expect(Math.abs(end.variance / start.variance - 1)).toBeLessThan(0.05);
      let upwind = initial;
      for (let step = 0; step < steps; step++) upwind = upwindStep(upwind, f);
      const upwindGrowth = moments(upwind).variance / start.variance - 1;
      expect(upwindGrowth).toBeCloseTo(steps * f * (1 - f) / start.variance, 6);
      expect(upwindGrowth).toBeGreaterThan(0.05);
    });
  });

  describe('streamZ', () => {
    it('conserves particles and energy, stays non-negative, writes rows [zFirst, zEnd + 1) only, and equals the formulas', async () => {
      const random = seeded(41);
      const tables = randomTables(dims, random);
      const grid = await Grid.create(variant, dims, tables);
      for (const r of [subRanges, { ...subRanges, zFirst: 0, zEnd: dims.nz }, { ...subRanges, zFirst: 2, zEnd: dims.nz }]) {
        grid.setShifts('Z', Array.from({ length: dims.nTheta }, (_, t) => (t === 3 ? 1 : t === 4 ? 0 : random())));
        const escaped = streamAndCheck(grid, randomPsi(dims, random, r), 'Z', r);
        if (r.zEnd < dims.nz) expect(escaped).toBe(0);
      }
    });

    it('gives the same psi, bit for bit, whatever part of the empty rows [zFirst, zEnd) includes', async () => {
      const random = seeded(42);
      const grid = await Grid.create(variant, dims, randomTables(dims, random));
      const psi = randomPsi(dims, random, { eFirst: 0, eEnd: dims.ne, zFirst: 2, zEnd: 4 });
      grid.psi('A').set(psi);
      grid.streamZ('A', { eFirst: 0, eEnd: dims.ne, zFirst: 2, zEnd: 4 });
      const narrow = Float64Array.from(grid.psi('B'));
      grid.streamZ('A');
      expect(Buffer.from(grid.psi('B').buffer, grid.psi('B').byteOffset, grid.psi('B').byteLength)
        .equals(Buffer.from(narrow.buffer))).toBe(true);
    });

    it('is an exact shift for f = 1 and the identity for f = 0', async () => {
      const d: Dims = { ne: 2, nTheta: 2, nz: 5, nx: 3, nMaterials: 1, jMax: 0 };
      const grid = await Grid.create(variant, d, randomTables(d, seeded(7)));
      const random = seeded(8);
      const psi = Float64Array.from({ length: grid.psiLength }, () => random());
      grid.psi('A').set(psi);
      grid.setShifts('Z', [1, 0]);
      grid.streamZ('A');
      const out = grid.psi('B');
      let escaped = 0;
      for (let e = 0; e < 2; e++) for (let z = 0; z < 5; z++) for (let x = 0; x < 3; x++) {
        expect(out[grid.index(e, z, x, 0)]).toBe(z > 0 ? psi[grid.index(e, z - 1, x, 0)] : 0);
        expect(out[grid.index(e, z, x, 1)]).toBe(psi[grid.index(e, z, x, 1)]);
        if (z === 4) escaped += psi[grid.index(e, z, x, 0)]!;
      }
      expect(grid.tallies[0]).toBeCloseTo(escaped, 14);
    });

    it('adds the flux through the probe face to probeFluence[x], as computed by hand', async () => {
      const d: Dims = { ne: 2, nTheta: 2, nz: 5, nx: 2, nMaterials: 1, jMax: 0 };
      const grid = await Grid.create(variant, d, randomTables(d, seeded(9)));
      const f = 0.5;
      grid.setShifts('Z', [f, 0.25]);
      const psi = grid.psi('A');
      // x = 0, t = 0, e = 0: rows 0..2 hold 1, 2, 3: the slope of row 1 is minmod(1, 1) = 1,
      // so the flux into row 2 is f (2 + (1 - f) 1 / 2) = 1.125.
      [1, 2, 3].forEach((v, z) => { psi[grid.index(0, z, 0, 0)] = v; });
      // x = 1, t = 1, e = 1: row 1 alone holds 4: no slope, flux 0.25 x 4 = 1.
      psi[grid.index(1, 1, 1, 1)] = 4;
      grid.probe.set([10, 20]);
      grid.streamZ('A', grid.all, 2);
      expect(grid.probe[0]).toBe(10 + 1.125);
      expect(grid.probe[1]).toBe(20 + 1);
      // What crossed the face is what row 2 received from row 1.
      expect(grid.psi('B')[grid.index(0, 2, 0, 0)]).toBe(3 - f * 3 + 1.125);
    });
  });

  describe('collide', () => {
    /**
     * The same grid twice: scatterAngles, loseEnergy, scatterAngles on one,
     * collide on the other (its psiOut filled with NaN first: whatever it
     * does not write stays NaN, and a read of it would show).
     */
    async function collideBoth(d: Dims, tables: Tables, psi: Float64Array, r: Ranges, floor: number) {
      const separate = await Grid.create(variant, d, tables), fused = await Grid.create(variant, d, tables);
      const dose = Float64Array.from({ length: d.nz * d.nx }, (_, i) => (i % 7) * 0.25);
      for (const grid of [separate, fused]) { grid.psi('A').set(psi); grid.dose.set(dose); }
      fused.psi('B').fill(NaN);
      const out = separate.outRange(r);
      separate.scatter('A', r);
      separate.lose(r, floor);
      separate.scatter('B', out);
      fused.collide(r, floor);
      return { separate, fused, out };
    }

    /** psi's values in the rows (e, z) of e in [eFirst, eEnd), z in [zFirst, zEnd), in order; and whether every other value is NaN. */
    function rowsOf(grid: Grid, psi: Float64Array, r: Ranges): { inside: Float64Array; othersNaN: boolean } {
      const inside: number[] = [];
      let othersNaN = true;
      for (let e = 0; e < grid.d.ne; e++) for (let z = 0; z < grid.d.nz; z++) {
        const row = psi.subarray(grid.index(e, z, 0, 0), grid.index(e, z + 1, 0, 0));
        if (e >= r.eFirst && e < r.eEnd && z >= r.zFirst && z < r.zEnd) inside.push(...row);
        else othersNaN &&= row.every(Number.isNaN);
      }
      return { inside: Float64Array.from(inside), othersNaN };
    }

    const cases: { name: string; d: Dims; threePoint: boolean; r?: Ranges; floor: number }[] = [
      { name: 'kernels of every width, all rows', d: dims, threePoint: false, floor: 1e-30 },
      { name: 'kernels of every width, part of the rows, floor dropping values', d: dims, threePoint: false, r: subRanges, floor: 0.2 },
      { name: 'three-point kernels (one pass), floor dropping values', d: dims, threePoint: true, floor: 0.05 },
      { name: 'three-point kernels, part of the rows, no floor', d: dims, threePoint: true, r: { eFirst: 3, eEnd: 7, zFirst: 2, zEnd: 6 }, floor: 0 },
      { name: 'three-point kernels, one pair of directions', d: { ...dims, nTheta: 2 }, threePoint: true, floor: 0.05 },
      { name: 'three-point kernels, two pairs of directions', d: { ...dims, nTheta: 4 }, threePoint: true, floor: 0.05 },
      { name: 'kernels of width 0 and 1', d: { ...dims, jMax: 1 }, threePoint: false, r: subRanges, floor: 0.05 },
      { name: 'six loss targets, half of them 0, kernels of every width', d: { ...dims, ne: 12, lossSlots: 6 }, threePoint: false, floor: 0.05 },
      { name: 'six loss targets, half of them 0, three-point kernels', d: { ...dims, ne: 12, lossSlots: 6 }, threePoint: true, r: subRanges, floor: 0.05 },
    ];

    it.each(cases)('equals scatterAngles + loseEnergy + scatterAngles bit for bit, writes its rows only, leaves psiIn alone: $name',
      async ({ d, threePoint, r: ranges, floor }) => {
        const random = seeded(61);
        let tables = randomTables(d, random);
        if (threePoint) tables = withThreePointKernels(d, tables, random);
        const r = ranges ?? { eFirst: 0, eEnd: d.ne, zFirst: 0, zEnd: d.nz };
        const psi = randomPsi(d, random, r);
        const { separate, fused, out } = await collideBoth(d, tables, psi, r, floor);
        const expected = rowsOf(separate, separate.psi('B'), out), got = rowsOf(fused, fused.psi('B'), out);
        expect(got.inside.length).toBeGreaterThan(0);
        expect(bits(got.inside).equals(bits(expected.inside))).toBe(true);
        expect(got.othersNaN).toBe(true);
        expect(bits(fused.dose).equals(bits(separate.dose))).toBe(true);
        expect(bits(fused.tallies).equals(bits(separate.tallies))).toBe(true);
        expect(bits(fused.psi('A')).equals(bits(psi))).toBe(true);
        if (floor >= 0.05) expect(fused.tallies[4]).toBeGreaterThan(0);   // the floor was exercised
      });

    it('conserves particles and energy with absorption and deposits accounted (1e-12) and stays non-negative', async () => {
      const random = seeded(62);
      const tables = withThreePointKernels(dims, randomTables(dims, random), random);
      const grid = await Grid.create(variant, dims, tables);
      const psi = randomPsi(dims, random, subRanges);
      grid.psi('A').set(psi);
      grid.collide(subRanges, 0.05);
      const written = rowsOf(grid, grid.psi('B'), grid.outRange(subRanges)).inside;
      const [, , absorbed, deposited, floored] = grid.tallies;
      expect(floored).toBeGreaterThan(0);
      expect(min(written)).toBeGreaterThanOrEqual(0);
      expect(Math.abs(sum(written) + absorbed! - sum(psi)) / sum(psi)).toBeLessThan(1e-12);
      // written rows, with their energies, as a psi of their own
      const out = new Float64Array(psi.length);
      const o = grid.outRange(subRanges);
      for (let e = o.eFirst; e < o.eEnd; e++) for (let z = o.zFirst; z < o.zEnd; z++) {
        const start = grid.index(e, z, 0, 0), end = grid.index(e, z + 1, 0, 0);
        out.set(grid.psi('B').subarray(start, end), start);
      }
      const energyIn = energyOf(grid, psi);
      expect(Math.abs(energyOf(grid, out) + deposited! - energyIn) / energyIn).toBeLessThan(1e-12);
      expect(Math.abs(sum(grid.dose) - deposited!) / deposited!).toBeLessThan(1e-12);
    });
  });

  describe('stream', () => {
    const ranges: Ranges[] = [subRanges, { ...subRanges, zFirst: 0, zEnd: dims.nz }, { eFirst: 0, eEnd: dims.ne, zFirst: 2, zEnd: 5 },
      { eFirst: 2, eEnd: 3, zFirst: 0, zEnd: 1 }];

    it('equals streamX then streamZ bit for bit (psi, tallies, probe fluence), writes rows [zFirst, zEnd + 1) only, leaves psiIn alone', async () => {
      const random = seeded(71);
      const tables = randomTables(dims, random);
      for (const r of ranges) for (const probeFace of [-1, 3]) {
        const shiftX = Array.from({ length: dims.nTheta }, (_, t) => (t === 5 ? 0 : t === 6 ? -1 : 2 * random() - 1));
        const shiftZ = Array.from({ length: dims.nTheta }, (_, t) => (t === 3 ? 1 : t === 4 ? 0 : random()));
        const psi = randomPsi(dims, random, r);
        const probe = Float64Array.from({ length: dims.nx }, () => random());
        const separate = await Grid.create(variant, dims, tables), fused = await Grid.create(variant, dims, tables);
        for (const grid of [separate, fused]) {
          grid.setShifts('X', shiftX);
          grid.setShifts('Z', shiftZ);
          grid.psi('A').set(psi);
          grid.probe.set(probe);
        }
        separate.streamX('A', r);            // A -> B (B zero elsewhere, as streamZ needs)
        separate.streamZ('B', r, probeFace); // B -> A
        fused.psi('B').fill(NaN);
        fused.stream('A', r, probeFace);     // A -> B
        const written = { ...r, zEnd: Math.min(r.zEnd + 1, dims.nz) };
        const inside: number[] = [], expected: number[] = [];
        for (let e = 0; e < dims.ne; e++) for (let z = 0; z < dims.nz; z++) {
          const start = fused.index(e, z, 0, 0), end = fused.index(e, z + 1, 0, 0);
          if (e >= written.eFirst && e < written.eEnd && z >= written.zFirst && z < written.zEnd) {
            inside.push(...fused.psi('B').subarray(start, end));
            expected.push(...separate.psi('A').subarray(start, end));
          } else {
            expect(fused.psi('B').subarray(start, end).every(Number.isNaN)).toBe(true);
          }
        }
        expect(bits(Float64Array.from(inside)).equals(bits(Float64Array.from(expected)))).toBe(true);
        expect(bits(fused.tallies).equals(bits(separate.tallies))).toBe(true);
        expect(bits(fused.probe).equals(bits(separate.probe))).toBe(true);
        expect(bits(fused.psi('A')).equals(bits(psi))).toBe(true);
      }
    });

    it('conserves particles and energy with escapes accounted (1e-12) and stays non-negative', async () => {
      const random = seeded(72);
      const grid = await Grid.create(variant, dims, randomTables(dims, random));
      for (const r of ranges) {
        const psi = randomPsi(dims, random, r);
        grid.psi('A').set(psi);
        grid.psi('B').fill(0);
        grid.tallies.fill(0);
        grid.stream('A', r);
        const out = grid.psi('B');
        const [escaped, escapedEnergy] = grid.tallies;
        expect(min(out)).toBeGreaterThanOrEqual(0);
        expect(Math.abs(sum(out) + escaped! - sum(psi)) / sum(psi)).toBeLessThan(1e-12);
        expect(Math.abs(energyOf(grid, out) + escapedEnergy! - energyOf(grid, psi)) / energyOf(grid, psi)).toBeLessThan(1e-12);
      }
    });
  });
});

describe('the SIMD and scalar builds', () => {
  it('give bit-identical psi, dose, tallies and probe fluence over a sequence of steps', async () => {
    const d: Dims = { ne: 9, nTheta: 10, nz: 7, nx: 8, nMaterials: 3, jMax: 3 };
    const results = await Promise.all(KERNEL_VARIANTS.map(async (variant) => {
      const random = seeded(51);
      const grid = await Grid.create(variant, d, randomTables(d, random));
      grid.psi('A').set(randomPsi(d, random, grid.all));
      for (let step = 0; step < 4; step++) {
        grid.scatter('A');
        grid.lose(grid.all, 0.01);
        grid.scatter('B');
        grid.streamX('B');
        grid.streamZ('A', grid.all, 3);
        grid.psi('A').set(grid.psi('B'));
      }
      return new Uint8Array(grid.memory.buffer.slice(0));
    }));
    expect(Buffer.from(results[0]!).equals(Buffer.from(results[1]!))).toBe(true);
  });

  it('give bit-identical psi, dose, tallies and probe fluence over a sequence of fused steps (collide, stream)', async () => {
    const d: Dims = { ne: 9, nTheta: 10, nz: 7, nx: 8, nMaterials: 3, jMax: 3 };
    const results = await Promise.all(KERNEL_VARIANTS.map(async (variant) => {
      const random = seeded(52);
      const tables = randomTables(d, random);
      // half the kernels three-point, so that the SIMD build's one-pass case runs too
      const threePoint = withThreePointKernels(d, tables, random);
      for (let k = 0; k < d.ne * d.nMaterials; k += 2) {
        tables.kernelHalfWidth[k] = 1;
        tables.kernelWeights.set(threePoint.kernelWeights.subarray(k * (2 * d.jMax + 1), (k + 1) * (2 * d.jMax + 1)), k * (2 * d.jMax + 1));
      }
      const grid = await Grid.create(variant, d, tables);
      grid.psi('A').set(randomPsi(d, random, grid.all));
      for (let step = 0; step < 4; step++) {
        grid.collide(grid.all, 0.01);
        grid.stream('B', grid.all, 3);
      }
      return Buffer.concat([grid.psi('A'), grid.dose, grid.tallies, grid.probe].map((a) => Buffer.from(bits(a))));
    }));
    expect(results[0]!.equals(results[1]!)).toBe(true);
  });
});
