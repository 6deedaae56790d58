import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGpuDevice } from '../helpers/gpu.js';
import { parseConfig } from '../../src/config/schema.js';
import { PSI_FLOOR, runDeterministic, type StepBalance } from '../../src/deterministic/solver.js';
import { prepareSolverTables, type SolverTables } from '../../src/deterministic/solverTables.js';
import { benchmarkDenseSteps, DeterministicGpuSolver, runDeterministicWebGpu, type GpuOperator, type GpuWindow } from '../../src/deterministic/gpuSolver.js';
import { normalizedF32 } from '../../src/deterministic/gpuTables.js';
import { buildNuclearTables } from '../../src/deterministic/nuclearTables.js';
import type { DeterministicProgress } from '../../src/deterministic/progress.js';

// The WebGPU deterministic solver (shaders/deterministic/) on Mesa lavapipe, held to an f64
// reference written here from the formulas of src/deterministic/README.md, on small random grids,
// and to the WASM solver (assembly/deterministic, f64) on the tables of a config.
const gpu = useGpuDevice();

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Shape { nx: number; nz: number; nTheta: number; ne: number }

/** A real grid (prepareSolverTables) of the given shape: 2 mm x 1 mm cells, water with a lung block. */
function gridTables({ nx, nz, nTheta, ne }: Shape, energyMeVPerU = 50): SolverTables {
  return prepareSolverTables(parseConfig({
    beam: { energyMeVPerU, spotSigmaMm: [2, 2] },
    phantom: { sizeMm: [2 * nx, 10, nz], voxelSizeMm: [2, 10, 1], regions: [{ shape: 'box', material: 'lung', minMm: [2, -5, 3], maxMm: [2 * nx, 5, 6] }] },
    deterministic: { angleBins: nTheta, ...(ne > 0 ? { energyBins: ne } : {}) },
    scoring: { lateralProbeDepthMm: nz / 2 }, transport: { nuclear: false },
  }));
}

/**
 * Random operator tables (README layouts) on a real grid: kernels of half-width 0..3 bins,
 * losses onto bins e - 2 - m .. e - m (below 0: absorbed), shifts of directions up to ~0.4 rad
 * with dx = ds / 2, a source of one primary at the top energies.
 */
function syntheticTables(shape: Shape, seed: number): SolverTables {
  const real = gridTables(shape);
  const { nx, nTheta, ne, materials } = real.grid;
  const rnd = random(seed);
  const nMat = materials.length;
  const energyMeV = Float64Array.from({ length: ne }, (_, e) => 5 + 5 * e);
  const jMax = 3;
  const kw = 2 * jMax + 1;
  const halfWidth = new Int32Array(ne * nMat);
  const kernelWeights = new Float64Array(ne * nMat * kw);
  const firstBin = new Int32Array(ne * nMat);
  const lossWeights = new Float64Array(ne * nMat * 3);
  const depositMeV = new Float64Array(ne * nMat);
  const absorbed = new Float64Array(ne * nMat);
  for (let e = 0; e < ne; e++) {
    for (let m = 0; m < nMat; m++) {
      const p = e * nMat + m;
      const j = Math.floor(rnd() * (jMax + 1));
      halfWidth[p] = j;
      const sigma = 0.3 + rnd() * j;
      let sum = 0;
      for (let k = -j; k <= j; k++) sum += Math.exp(-(k * k) / (2 * sigma * sigma));
      for (let k = -j; k <= j; k++) kernelWeights[p * kw + jMax + k] = Math.exp(-(k * k) / (2 * sigma * sigma)) / sum;
      firstBin[p] = e - 2 - m;
      const w = [0.1 + rnd(), 0.5 + rnd(), 0.1 * rnd()];
      const total = w[0]! + w[1]! + w[2]!;
      let kept = 0;
      for (let k = 0; k < 3; k++) {
        lossWeights[3 * p + k] = w[k]! / total;
        const target = firstBin[p]! + k;
        if (target < 0) absorbed[p] = absorbed[p]! + w[k]! / total;
        else kept += (w[k]! / total) * energyMeV[target]!;
      }
      depositMeV[p] = energyMeV[e]! - kept;
    }
  }
  const theta = Float64Array.from({ length: nTheta }, (_, t) => ((t - nTheta / 2) * 0.8) / nTheta);  // within +-0.4 rad
  const source = new Float64Array(ne * nx * nTheta);
  const x0 = Math.floor(nx / 2), t0 = nTheta / 2;
  const parts: [number, number, number, number][] = [[ne - 1, x0, t0, 0.4], [ne - 1, x0 - 1, t0 - 1, 0.2], [ne - 1, x0 + 1, t0 + 1, 0.2], [ne - 2, x0, t0 + 2, 0.2]];
  for (const [e, x, t, v] of parts) source[(e * nx + x) * nTheta + t] = v;
  return {
    ...real,
    energyMeV,
    scattering: { jMax, halfWidth, weights: kernelWeights },
    loss: { slots: 3, firstBin, weights: lossWeights, depositMeV, absorbed, maxDropBins: 3 },
    shifts: { shiftX: theta.map((th) => 2 * Math.sin(th)), shiftZ: theta.map((th) => Math.cos(th)) },
    source: { values: source, energyMeV: 0.8 * energyMeV[ne - 1]! + 0.2 * energyMeV[ne - 2]! },
  };
}

// ---- f64 reference, from the README's formulas ----------------------------------------------

function add(a: Float64Array | number[], i: number, v: number): void {
  a[i] = a[i]! + v;
}

interface RefWindow { eLo: number; eHi: number; zLo: number; zHi: number; eLoAfter: number; zHiAfter: number }
const fullWindow = ({ grid: g }: SolverTables): RefWindow => ({ eLo: 0, eHi: g.ne, zLo: 0, zHi: g.nz, eLoAfter: 0, zHiAfter: g.nz });
const derived = (t: SolverTables, w: GpuWindow): RefWindow => ({ ...w, eLoAfter: Math.max(0, w.eLo - t.loss.maxDropBins), zHiAfter: Math.min(t.grid.nz, w.zHi + 1) });

function at(t: SolverTables, e: number, z: number, x: number): number {
  const { nz, nx, nTheta } = t.grid;
  return ((e * nz + z) * nx + x) * nTheta;
}

/** out[clamp(s + j)] += w_j in[s]: targets beyond the edge bins folded into them. */
function refScatter(t: SolverTables, psi: Float64Array, eFrom: number, w: RefWindow): void {
  const { nx, nTheta, materials } = t.grid;
  const { jMax } = t.scattering;
  for (let e = eFrom; e < w.eHi; e++) for (let z = w.zLo; z < w.zHi; z++) for (let x = 0; x < nx; x++) {
    const p = e * materials.length + t.grid.cellMaterial[z * nx + x]!;
    const J = t.scattering.halfWidth[p]!;
    const base = at(t, e, z, x);
    const out = new Float64Array(nTheta);
    for (let s = 0; s < nTheta; s++) {
      for (let j = -J; j <= J; j++) add(out, Math.min(nTheta - 1, Math.max(0, s + j)), t.scattering.weights[p * (2 * jMax + 1) + jMax + j]! * psi[base + s]!);
    }
    psi.set(out, base);
  }
}

/** Source form: out[jLo + k] += w_k in[e]; deposits and absorbed per cell; then the floor rule. */
function refLoseEnergy(t: SolverTables, psi: Float64Array, w: RefWindow) {
  const { nx, nz, nTheta, materials } = t.grid;
  const out = new Float64Array(psi.length);
  const deposit = new Float64Array(nz * nx), absorbed = new Float64Array(nz * nx);
  let floored = 0;
  for (let e = w.eLo; e < w.eHi; e++) for (let z = w.zLo; z < w.zHi; z++) for (let x = 0; x < nx; x++) {
    const p = e * materials.length + t.grid.cellMaterial[z * nx + x]!;
    let sum = 0;
    for (let th = 0; th < nTheta; th++) {
      const v = psi[at(t, e, z, x) + th]!;
      sum += v;
      for (let k = 0; k < t.loss.slots; k++) {
        const target = t.loss.firstBin[p]! + k;
        if (target >= 0) add(out, at(t, target, z, x) + th, t.loss.weights[t.loss.slots * p + k]! * v);
      }
    }
    add(deposit, z * nx + x, t.loss.depositMeV[p]! * sum);
    add(absorbed, z * nx + x, t.loss.absorbed[p]! * sum);
  }
  for (let e = w.eLoAfter; e < w.eHi; e++) for (let z = w.zLo; z < w.zHi; z++) for (let x = 0; x < nx; x++) {
    for (let th = 0; th < nTheta; th++) {
      const i = at(t, e, z, x) + th;
      if (out[i]! >= PSI_FLOOR) continue;
      floored += out[i]!;
      add(deposit, z * nx + x, out[i]! * t.energyMeV[e]!);
      add(absorbed, z * nx + x, out[i]!);
      out[i] = 0;
    }
  }
  return { out, deposit, absorbed, floored };
}

function minmod(...v: number[]): number {
  return v.every((x) => x > 0) ? Math.min(...v) : v.every((x) => x < 0) ? Math.max(...v) : 0;
}

/**
 * One column q[0..n) by shift f (|f| <= 1), the README's flux form: for f > 0 the flux through
 * the face between i and i + 1 is F = f (q_i + (1 - f) s_i / 2), for f < 0 mirrored; s = 0 in the
 * first and last cells (of the grid: `first`, `last` say whether q's ends are the grid's).
 * Returns the new column and what left through the outer face; `probeAfter` names a cell whose
 * outgoing (f > 0) flux is also returned.
 */
function refColumn(q: number[], f: number, first: boolean, last: boolean, probeAfter = -1) {
  const n = q.length;
  const get = (i: number) => (i < 0 || i >= n ? 0 : q[i]!);
  // the monotonized central slope: minmod((a + b)/2, 2a, 2b), a and b the differences to the neighbours
  const slope = (i: number) => {
    const a = get(i) - get(i - 1), b = get(i + 1) - get(i);
    return (i === 0 && first) || (i === n - 1 && last) ? 0 : minmod((a + b) / 2, 2 * a, 2 * b);
  };
  const out = q.slice();
  let escaped = 0, probe = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(f);
    const flux = f >= 0 ? a * (q[i]! + ((1 - a) * slope(i)) / 2) : a * (q[i]! - ((1 - a) * slope(i)) / 2);
    const target = f >= 0 ? i + 1 : i - 1;
    add(out, i, -flux);
    if (target >= 0 && target < n) add(out, target, flux);
    else escaped += flux;
    if (i === probeAfter) probe += flux;
  }
  return { out, escaped, probe };
}

function refStreamX(t: SolverTables, psi: Float64Array, w: RefWindow) {
  const { nx, nz, nTheta } = t.grid;
  const out = new Float64Array(psi.length);
  const escaped = new Float64Array(t.grid.ne * nz);
  for (let e = w.eLoAfter; e < w.eHi; e++) for (let z = w.zLo; z < w.zHi; z++) for (let th = 0; th < nTheta; th++) {
    const col = refColumn(Array.from({ length: nx }, (_, x) => psi[at(t, e, z, x) + th]!), t.shifts.shiftX[th]!, true, true);
    col.out.forEach((v, x) => { out[at(t, e, z, x) + th] = v; });
    add(escaped, e * nz + z, col.escaped);
  }
  return { out, escaped };
}

function refStreamZ(t: SolverTables, psi: Float64Array, w: RefWindow) {
  const { nx, nz, nTheta } = t.grid;
  const out = new Float64Array(psi.length);
  const escaped = new Float64Array(t.grid.ne * nx), probe = new Float64Array(t.grid.ne * nx);
  for (let e = w.eLoAfter; e < w.eHi; e++) for (let x = 0; x < nx; x++) for (let th = 0; th < nTheta; th++) {
    // rows [zLo, zHiAfter): the window and the empty row after it, which only receives
    const rows = Array.from({ length: w.zHiAfter - w.zLo }, (_, i) => psi[at(t, e, w.zLo + i, x) + th]!);
    if (w.zHiAfter > w.zHi) rows[rows.length - 1] = 0;
    const col = refColumn(rows, t.shifts.shiftZ[th]!, w.zLo === 0, w.zHiAfter === nz, (t.probeFace ?? -1) - 1 - w.zLo);
    col.out.forEach((v, i) => { out[at(t, e, w.zLo + i, x) + th] = v; });
    add(escaped, e * nx + x, col.escaped);
    add(probe, e * nx + x, col.probe);
  }
  return { out, escaped, probe };
}

/** Dense f64 solve: every step over the whole grid, until psi is empty. */
function refSolve(t: SolverTables) {
  const { nx, nz, ne } = t.grid;
  let psi = new Float64Array(ne * nz * nx * t.grid.nTheta);
  t.source.values.forEach((v, i) => {
    const slice = nx * t.grid.nTheta;
    psi[Math.floor(i / slice) * nz * slice + (i % slice)] = v;
  });
  const w = fullWindow(t);
  const dose = new Float64Array(nz * nx), probe = new Float64Array(nx);
  let escaped = 0, absorbed = 0;
  let steps = 0;
  while (psi.some((v) => v !== 0) && steps < ne + nz + 8) {
    refScatter(t, psi, 0, w);
    const loss = refLoseEnergy(t, psi, w);
    loss.deposit.forEach((v, c) => { add(dose, c, v); });
    absorbed += loss.absorbed.reduce((a, b) => a + b, 0);
    refScatter(t, loss.out, 0, w);
    const sx = refStreamX(t, loss.out, w);
    const sz = refStreamZ(t, sx.out, w);
    escaped += sx.escaped.reduce((a, b) => a + b, 0) + sz.escaped.reduce((a, b) => a + b, 0);
    sz.probe.forEach((v, i) => { add(probe, i % nx, v); });
    psi = sz.out;
    steps++;
  }
  return { dose, probe, escaped, absorbed, steps };
}

// ---- helpers ----------------------------------------------------------------------------------

/** Random f32 psi, zero outside the window (the kernels' invariant); a few values below the floor. */
function randomPsi(t: SolverTables, w: GpuWindow, seed: number): Float64Array {
  const rnd = random(seed);
  const psi = new Float64Array(t.grid.ne * t.grid.nz * t.grid.nx * t.grid.nTheta);
  for (let e = w.eLo; e < w.eHi; e++) for (let z = w.zLo; z < w.zHi; z++) for (let x = 0; x < t.grid.nx; x++) {
    for (let th = 0; th < t.grid.nTheta; th++) {
      const u = rnd();
      psi[at(t, e, z, x) + th] = u < 0.2 ? 0 : u < 0.25 ? Math.fround(PSI_FLOOR * 0.1 * rnd()) : Math.fround(rnd() * 1e-3);
    }
  }
  return psi;
}

/** Largest |gpu - ref| relative to the largest |ref| (f32 kernels: ~1e-7 expected). */
function relativeError(gpuValues: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(gpuValues[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Row tallies [(e * nz + z) * nx + x] summed over x (into [e * nz + z]) or over z (into [e * nx + x]). */
function sumRows(t: SolverTables, values: Float64Array, over: 'x' | 'z'): Float64Array {
  const { ne, nz, nx } = t.grid;
  const out = new Float64Array(over === 'x' ? ne * nz : ne * nx);
  values.forEach((v, r) => {
    const e = Math.floor(r / (nz * nx)), z = Math.floor(r / nx) % nz, x = r % nx;
    add(out, over === 'x' ? e * nz + z : e * nx + x, v);
  });
  return out;
}

const shape: Shape = { nx: 9, nz: 7, nTheta: 12, ne: 10 };
const tables = syntheticTables(shape, 1);
const windows: (GpuWindow | 'dense')[] = ['dense', { eLo: 4, eHi: 8, zLo: 2, zHi: 5 }, { eLo: 1, eHi: 6, zLo: 0, zHi: 7 }];
const windowName = (w: GpuWindow | 'dense') => (w === 'dense' ? 'the whole grid' : `window e [${w.eLo}, ${w.eHi}) z [${w.zLo}, ${w.zHi})`);

async function operatorOnGpu(solver: DeterministicGpuSolver, op: GpuOperator, psi: Float64Array, w: GpuWindow | 'dense') {
  return solver.runOperator(op, Float32Array.from(psi), w);
}

describe('deterministic solver on WebGPU: operators against the f64 reference', () => {
  // one solver (its pipelines compiled once) for every operator test on `tables`
  let shared: DeterministicGpuSolver;
  beforeAll(async () => { shared = await DeterministicGpuSolver.create(gpu(), tables); });
  afterAll(() => shared.destroy());

  it.each(windows)('scatter, before and after the loss (%s)', async (w) => {
    const win = w === 'dense' ? fullWindow(tables) : derived(tables, w);
    // after the loss the window's energies reach down to eLoAfter: fill those rows too
    for (const [op, eFrom] of [['scatter', win.eLo], ['scatterAfterLoss', win.eLoAfter]] as const) {
      const psi = randomPsi(tables, { ...win, eLo: eFrom }, 7);
      const ref = Float64Array.from(psi);
      refScatter(tables, ref, eFrom, win);
      const { output } = await operatorOnGpu(shared, op, psi, w);
      expect(relativeError(output, ref), `${op} on ${windowName(w)}`).toBeLessThan(1e-5);
      expect(output.every((v) => v >= 0)).toBe(true);
    }
  });

  it.each(windows)('loseEnergy with the floor rule (%s)', async (w) => {
    const win = w === 'dense' ? fullWindow(tables) : derived(tables, w);
    const psi = randomPsi(tables, win, 11);
    const ref = refLoseEnergy(tables, psi, win);
    const { output, rows } = await operatorOnGpu(shared, 'loseEnergy', psi, w);
    expect(relativeError(output, ref.out)).toBeLessThan(1e-5);
    expect(output.every((v) => v === 0 || v >= PSI_FLOOR)).toBe(true);
    // the row tallies: each source row's particles, and what the floor took (tiny, but counted)
    const { nx, nz, nTheta } = tables.grid;
    const sourceRows = Float64Array.from(rows.lossSource, (_, r) => {
      const e = Math.floor(r / (nz * nx));
      if (e < win.eLo || e >= win.eHi || Math.floor(r / nx) % nz < win.zLo || Math.floor(r / nx) % nz >= win.zHi) return 0;
      return psi.subarray(r * nTheta, (r + 1) * nTheta).reduce((a, b) => a + b, 0);
    });
    expect(relativeError(rows.lossSource, sourceRows)).toBeLessThan(1e-6);
    // the floor took the same bins, and what it took is tallied
    expect(ref.floored).toBeGreaterThan(0);
    expect(output.filter((v) => v === 0).length).toBe(ref.out.filter((v) => v === 0).length);
    expect(Math.abs(rows.lossFloored.reduce((a, b) => a + b, 0) - ref.floored) / ref.floored).toBeLessThan(1e-5);
  });

  it.each(windows)('streamX: MUSCL flux form (monotonized central slope), escapes and positivity (%s)', async (w) => {
    const win = w === 'dense' ? fullWindow(tables) : derived(tables, w);
    const psi = randomPsi(tables, { ...win, eLo: win.eLoAfter }, 13);
    const ref = refStreamX(tables, psi, win);
    const { output, rows } = await operatorOnGpu(shared, 'streamX', psi, w);
    expect(relativeError(output, ref.out)).toBeLessThan(1e-5);
    expect(relativeError(sumRows(tables, rows.escapedX, 'x'), ref.escaped)).toBeLessThan(1e-5);
    expect(output.every((v) => v >= 0)).toBe(true);
  });

  it.each(windows)('streamZ: flux form, the row after the window, escapes, probe and positivity (%s)', async (w) => {
    const win = w === 'dense' ? fullWindow(tables) : derived(tables, w);
    const psi = randomPsi(tables, { ...win, eLo: win.eLoAfter }, 17);
    const ref = refStreamZ(tables, psi, win);
    const { output, rows } = await operatorOnGpu(shared, 'streamZ', psi, w);
    expect(relativeError(output, ref.out)).toBeLessThan(1e-5);
    expect(relativeError(sumRows(tables, rows.escapedZ, 'z'), ref.escaped)).toBeLessThan(1e-5);
    expect(relativeError(sumRows(tables, rows.probe, 'z'), ref.probe)).toBeLessThan(1e-5);
    expect(output.every((v) => v >= 0)).toBe(true);
    const particles = ref.out.reduce((a, b) => a + b, 0);
    expect(Math.abs(rows.particles.reduce((a, b) => a + b, 0) - particles) / particles).toBeLessThan(1e-6);
  });

  it.each(windows)('the fused kernels the steps run: loseEnergy then scatter, streamZ then scatter (%s)', async (w) => {
    const win = w === 'dense' ? fullWindow(tables) : derived(tables, w);
    // loseEnergyScatter: the same bits as loseEnergy, then scatterAfterLoss (the same code on the same f32 values)
    const psi = randomPsi(tables, win, 19);
    const lost = await operatorOnGpu(shared, 'loseEnergy', psi, w);
    const separate = await shared.runOperator('scatterAfterLoss', lost.output, w);
    const fused = await operatorOnGpu(shared, 'loseEnergyScatter', psi, w);
    expect(Array.from(fused.output)).toEqual(Array.from(separate.output));
    expect(Array.from(fused.rows.lossSource)).toEqual(Array.from(lost.rows.lossSource));
    // streamZScatter: streamZ, then the scatter of every row it wrote, [eLoAfter, eHi) x [zLo, zHiAfter)
    const input = randomPsi(tables, { ...win, eLo: win.eLoAfter }, 23);
    const ref = refStreamZ(tables, input, win).out;
    refScatter(tables, ref, win.eLoAfter, { ...win, zHi: win.zHiAfter });
    const streamed = await operatorOnGpu(shared, 'streamZScatter', input, w);
    expect(relativeError(streamed.output, ref)).toBeLessThan(1e-5);
    const particles = ref.reduce((a, b) => a + b, 0);
    expect(Math.abs(streamed.rows.particles.reduce((a, b) => a + b, 0) - particles) / particles).toBeLessThan(1e-6);
  });

  it('escapes and probe crossings when a workgroup block is shorter than a row of cells (128 angle bins)', async () => {
    // 128 bins: two rows a workgroup, blocks of 4 rows, so blockHasColumn and blockHasDepth decide
    const wide = syntheticTables({ ...shape, nTheta: 128 }, 5);
    const solver = await DeterministicGpuSolver.create(gpu(), wide);
    for (const w of windows) {
      const win = w === 'dense' ? fullWindow(wide) : derived(wide, w);
      const psi = randomPsi(wide, { ...win, eLo: win.eLoAfter }, 29);
      const x = await operatorOnGpu(solver, 'streamX', psi, w);
      const refX = refStreamX(wide, psi, win);
      expect(relativeError(x.output, refX.out)).toBeLessThan(1e-5);
      expect(relativeError(sumRows(wide, x.rows.escapedX, 'x'), refX.escaped)).toBeLessThan(1e-5);
      const z = await operatorOnGpu(solver, 'streamZ', psi, w);
      const refZ = refStreamZ(wide, psi, win);
      expect(relativeError(z.output, refZ.out)).toBeLessThan(1e-5);
      expect(relativeError(sumRows(wide, z.rows.escapedZ, 'z'), refZ.escaped)).toBeLessThan(1e-5);
      expect(relativeError(sumRows(wide, z.rows.probe, 'z'), refZ.probe)).toBeLessThan(1e-5);
    }
    solver.destroy();
  });

  it('streaming keeps psi non-negative on spikes next to empty cells at shifts up to 1', async () => {
    const t = syntheticTables(shape, 3);
    const steep = { ...t, shifts: { shiftX: t.shifts.shiftX.map((_, i) => (i % 2 ? 1 : -1) * (1 - i * 1e-3)), shiftZ: t.shifts.shiftZ.map((_, i) => 1 - i * 1e-3) } };
    const solver = await DeterministicGpuSolver.create(gpu(), steep);
    const rnd = random(5);
    const psi = Float64Array.from({ length: solver.psiBins }, () => (rnd() < 0.3 ? Math.fround(rnd() * 10 ** (-8 * rnd())) : 0));
    for (const op of ['streamX', 'streamZ'] as const) {
      const { output } = await operatorOnGpu(solver, op, psi, 'dense');
      expect(output.every((v) => v >= 0), op).toBe(true);
    }
    solver.destroy();
  });
});

describe('deterministic solver on WebGPU: whole solves', () => {
  const solveShape: Shape = { nx: 11, nz: 14, nTheta: 16, ne: 20 };
  const solveTables = syntheticTables(solveShape, 2);

  it('conserves particles and energy every step to 1e-6, and matches the f64 reference dose and probe', async () => {
    const balances: StepBalance[] = [];
    const result = await runDeterministicWebGpu(solveTables, { gpu: gpu(), onStep: (b) => balances.push(b) });
    const ref = refSolve(solveTables);
    expect(result.variant).toBe('webgpu');
    expect(result.steps).toBe(balances.length);
    expect(Math.abs(result.steps - ref.steps)).toBeLessThanOrEqual(1);
    for (const b of balances) {
      const particles = b.particlesBefore - b.particlesAfter - b.escapedParticles - b.absorbedParticles;
      const energy = b.energyBeforeMeV - b.energyAfterMeV - b.escapedEnergyMeV - b.depositedEnergyMeV;
      expect(Math.abs(particles) / b.particlesBefore, `step ${b.step} particles`).toBeLessThan(1e-6);
      expect(Math.abs(energy) / b.energyBeforeMeV, `step ${b.step} energy`).toBeLessThan(1e-6);
    }
    const { totals } = result;
    expect(result.remainingParticles).toBe(0);
    expect(Math.abs(1 - totals.escapedParticles - totals.absorbedParticles)).toBeLessThan(1e-6);
    const deposited = result.doseEnergyMeV.reduce((a, b) => a + b, 0);
    expect(Math.abs(deposited - totals.depositedEnergyMeV) / deposited).toBeLessThan(1e-9);
    expect(Math.abs(result.incidentEnergyMeV - totals.escapedEnergyMeV - totals.depositedEnergyMeV) / result.incidentEnergyMeV).toBeLessThan(1e-6);
    expect(totals.escapedParticles).toBeGreaterThan(0.01);
    expect(relativeError(result.doseEnergyMeV, ref.dose)).toBeLessThan(1e-5);
    expect(relativeError(result.probeFluence!, ref.probe)).toBeLessThan(1e-5);
    expect(Math.abs(totals.escapedParticles - ref.escaped)).toBeLessThan(1e-6);
    expect(Math.abs(totals.absorbedParticles - ref.absorbed)).toBeLessThan(1e-6);
    expect(result.binsVisited).toBeGreaterThan(0);
  });

  it.each([
    { name: 'a bone slab', material: 'compact-bone' as const, settings: { zSubdivisions: 1 } },
    // six bins per step: titanium's straggling of a step spans more than three bins (wide loss tables)
    { name: 'a titanium slab, six bins per step', material: 'titanium' as const, settings: { energyBinsPerStep: 6, zSubdivisions: 1 } },
  ])('agrees with the WASM solver (f64, assembly/deterministic) on the tables of a config with $name', async ({ material, settings }) => {
    const config = parseConfig({
      beam: { energyMeVPerU: 70, spotSigmaMm: [3, 3] },
      phantom: { sizeMm: [40, 10, 50], voxelSizeMm: [2, 10, 1], regions: [{ shape: 'slab', material, zMinMm: 10, zMaxMm: 15 }] },
      deterministic: { angleBins: 24, ...settings }, scoring: { lateralProbeDepthMm: 20 }, transport: { nuclear: false },
    });
    if (material === 'titanium') expect(prepareSolverTables(config).loss.slots).toBeGreaterThan(3);
    const wasm = await runDeterministic(config, { variant: 'scalar' });
    const webgpu = await runDeterministicWebGpu(prepareSolverTables(config), { gpu: gpu() });
    expect(webgpu.steps).toBe(wasm.steps);
    expect(relativeError(webgpu.doseEnergyMeV, wasm.doseEnergyMeV)).toBeLessThan(1e-5);
    expect(relativeError(webgpu.probeFluence!, wasm.probeFluence!)).toBeLessThan(1e-5);
    expect(Math.abs(webgpu.totals.absorbedParticles - wasm.totals.absorbedParticles)).toBeLessThan(1e-6);
    expect(Math.abs(webgpu.totals.depositedEnergyMeV - wasm.totals.depositedEnergyMeV) / wasm.incidentEnergyMeV).toBeLessThan(1e-6);
  });

  // Nuclear events (nuclear.wgsl against assembly/deterministic/nuclearRows.ts): removal, elastic turns,
  // secondaries, local, neutral and beyond-grid energy, on the same tables. Measured on lavapipe (water):
  // dose within 1.3e-6 of the maximum, per-step balance with every channel 1.3e-7, the same step count.
  // The first run on a machine compiles the kernels (lavapipe: about 80 s without its shader cache).
  it.each([
    { name: 'water, 100 MeV', energyMeVPerU: 100, sizeMm: [24, 10, 85] as [number, number, number], regions: [] },
    { name: 'a bone slab, 70 MeV', energyMeVPerU: 70, sizeMm: [24, 10, 50] as [number, number, number], regions: [{ shape: 'slab' as const, material: 'compact-bone' as const, zMinMm: 10, zMaxMm: 15 }] },
  ])('agrees with the WASM solver (f64, assembly/deterministic) on the tables of a config with nuclear events: $name', async ({ energyMeVPerU, sizeMm, regions }) => {
    const config = parseConfig({
      beam: { energyMeVPerU, spotSigmaMm: [3, 3] },
      phantom: { sizeMm, voxelSizeMm: [2, 10, 1], regions },
      deterministic: { angleBins: 24, zSubdivisions: 1 }, scoring: { lateralProbeDepthMm: 20 }, transport: { nuclear: true },
    });
    const wasm = await runDeterministic(config, { variant: 'scalar' });
    const tables = prepareSolverTables(config);
    const balances: StepBalance[] = [];
    const webgpu = await runDeterministicWebGpu(tables, { gpu: gpu(), nuclear: await buildNuclearTables(tables.grid), onStep: (b) => balances.push(b) });
    expect(webgpu.steps).toBe(wasm.steps);
    expect(relativeError(webgpu.doseEnergyMeV, wasm.doseEnergyMeV)).toBeLessThan(1e-5);
    expect(relativeError(webgpu.probeFluence!, wasm.probeFluence!)).toBeLessThan(1e-5);
    expect(Math.abs(webgpu.totals.absorbedParticles - wasm.totals.absorbedParticles)).toBeLessThan(1e-6);
    expect(Math.abs(webgpu.totals.depositedEnergyMeV - wasm.totals.depositedEnergyMeV) / wasm.incidentEnergyMeV).toBeLessThan(1e-6);
    // every nuclear channel, as the WASM solver's
    const n = webgpu.nuclear!, ref = wasm.nuclear!;
    expect(ref.events).toBeGreaterThan(0.05);
    expect(ref.leavingEnergyMeV).toBeGreaterThan(0);
    for (const key of ['events', 'secondaries', 'neutralEnergyMeV', 'leavingEnergyMeV'] as const) expect(Math.abs(n[key] - ref[key]) / ref[key], key).toBeLessThan(1e-5);
    // per step: particles before + secondaries = after + escaped + absorbed + events; energy with neutral and beyond-grid (f32: 1e-6)
    for (const b of balances) {
      const s = b.nuclear!;
      const particles = b.particlesBefore + s.secondaries - b.particlesAfter - b.escapedParticles - b.absorbedParticles - s.events;
      const energy = b.energyBeforeMeV - b.energyAfterMeV - b.escapedEnergyMeV - b.depositedEnergyMeV - s.neutralEnergyMeV - s.leavingEnergyMeV;
      expect(Math.abs(particles) / b.particlesBefore, `step ${b.step} particles`).toBeLessThan(1e-6);
      expect(Math.abs(energy) / b.energyBeforeMeV, `step ${b.step} energy`).toBeLessThan(1e-6);
    }
    const deposited = webgpu.doseEnergyMeV.reduce((a, b) => a + b, 0);
    expect(Math.abs(deposited - webgpu.totals.depositedEnergyMeV) / deposited).toBeLessThan(1e-9);
    const balance = webgpu.incidentEnergyMeV - webgpu.totals.depositedEnergyMeV - webgpu.totals.escapedEnergyMeV - n.neutralEnergyMeV - n.leavingEnergyMeV;
    expect(Math.abs(balance) / webgpu.incidentEnergyMeV).toBeLessThan(1e-6);
  }, 300_000);

  it('gives the same dose bit for bit twice (fixed-point tallies), and the same as dense steps', async () => {
    const a = await runDeterministicWebGpu(solveTables, { gpu: gpu() });
    const b = await runDeterministicWebGpu(solveTables, { gpu: gpu() });
    expect(Array.from(b.doseEnergyMeV)).toEqual(Array.from(a.doseEnergyMeV));
    expect(Array.from(b.probeFluence!)).toEqual(Array.from(a.probeFluence!));
    // the window only skips empty bins: the same number of dense steps gives the same dose
    const solver = await DeterministicGpuSolver.create(gpu(), solveTables);
    solver.placeSource();
    solver.setWindow('dense');
    await solver.runStepsBlind(a.steps);
    const dense = await solver.readAccumulated();
    solver.destroy();
    expect(Array.from(dense.doseEnergyMeV)).toEqual(Array.from(a.doseEnergyMeV));
  });

  it('stops at the step limit with what is left as remaining, and honours an abort signal', async () => {
    const deep = syntheticTables(solveShape, 4);
    // no energy loss and slow streaming: the particles are still in the grid after ne + nz + 8 steps
    const noLoss = {
      ...deep,
      loss: { ...deep.loss, firstBin: Int32Array.from(deep.loss.firstBin, (_, p) => Math.floor(p / 2)), weights: deep.loss.weights.map((_, i) => (i % 3 === 0 ? 1 : 0)), depositMeV: deep.loss.depositMeV.map(() => 0), absorbed: deep.loss.absorbed.map(() => 0) },
      shifts: { shiftX: deep.shifts.shiftX.map((f) => f / 20), shiftZ: deep.shifts.shiftZ.map((f) => f / 10) },
    };
    const result = await runDeterministicWebGpu(noLoss, { gpu: gpu() });
    expect(result.steps).toBe(noLoss.grid.ne + noLoss.grid.nz + 8);
    expect(result.remainingParticles).toBeGreaterThan(0.5);
    expect(Math.abs(1 - result.remainingParticles - result.totals.escapedParticles - result.totals.absorbedParticles)).toBeLessThan(1e-6);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(runDeterministicWebGpu(solveTables, { gpu: gpu(), signal: controller.signal })).rejects.toThrow('stop');
  });

  it('reports progress on the caller\'s thread, ending with stepsDone = totalSteps = the steps run; a throwing callback is dropped with a warning', async () => {
    const calls: DeterministicProgress[] = [];
    const result = await runDeterministicWebGpu(solveTables, { gpu: gpu(), onProgress: (p) => calls.push(p) });
    expect(calls.at(-1)).toMatchObject({ stepsDone: result.steps, totalSteps: result.steps });
    for (let i = 1; i < calls.length - 1; i++) expect(calls[i]!.elapsedSeconds - calls[i - 1]!.elapsedSeconds).toBeGreaterThanOrEqual(0.099);
    expect(result.warnings).toEqual([]);
    let thrown = 0;
    const again = await runDeterministicWebGpu(solveTables, { gpu: gpu(), onProgress: () => { thrown++; throw new Error('gone'); } });
    expect(thrown).toBe(1);
    expect(again.warnings).toEqual(['onProgress threw (gone) and was not called again; the run went on']);
    expect(Array.from(again.doseEnergyMeV)).toEqual(Array.from(result.doseEnergyMeV));
  });

  it('f32 tables: weights that sum to 1 still do after rounding', () => {
    const w = normalizedF32([0.1, 0.2, 0.3, 0.4]);
    expect(w.reduce((a, b) => a + b, 0)).toBe(1);
    expect(Array.from(normalizedF32([0.5, 0.7]))).toEqual([0.5, Math.fround(0.7)]);
  });

  it('runs dense steps for benchmarks (every bin filled, the whole grid every step) and reports seconds per step', async () => {
    const balances: StepBalance[] = [];
    const dense = await runDeterministicWebGpu(solveTables, { gpu: gpu(), denseSteps: 3, onStep: (b) => balances.push(b) });
    expect(dense.steps).toBe(3);
    expect(dense.binsVisited).toBe(3 * 5 * solveShape.nx * solveShape.nz * solveShape.nTheta * solveShape.ne);
    for (const b of balances) expect(Math.abs(b.particlesBefore - b.particlesAfter - b.escapedParticles - b.absorbedParticles) / b.particlesBefore).toBeLessThan(1e-6);
    const filled = balances[0]!.particlesBefore;  // about 1: the fill is about 1/bins a bin
    expect(Math.abs(filled - dense.remainingParticles - dense.totals.escapedParticles - dense.totals.absorbedParticles) / filled).toBeLessThan(1e-6);
    // lavapipe has 'timestamp-query': the GPU time of each run is read back after it, none while it runs
    const bench = await benchmarkDenseSteps(solveTables, { steps: 10, runs: 3, gpu: gpu() });
    expect(bench.warmup).toHaveLength(1);
    expect(bench.runs).toHaveLength(3);
    for (const run of [...bench.warmup, ...bench.runs]) {
      expect(run.wallSecondsPerStep).toBeGreaterThan(0);
      expect(run.gpuSecondsPerStep).toBeGreaterThan(0);
    }
    expect(bench.wallSecondsPerStep).toBe([...bench.runs.map((r) => r.wallSecondsPerStep)].sort((x, y) => x - y)[1]);
    expect(bench.binsPerStep).toBe(solveShape.nx * solveShape.nz * solveShape.nTheta * solveShape.ne);
    const tallies = await benchmarkDenseSteps(solveTables, { steps: 2, runs: 1, only: ['cellTallies', 'stepTallies'], gpu: gpu() });
    expect(tallies.runs[0]!.gpuSecondsPerStep).toBeGreaterThan(0);
    console.log(`dense step on ${bench.adapter}: ${(bench.wallSecondsPerStep * 1e3).toFixed(2)} ms (GPU ${(bench.gpuSecondsPerStep! * 1e3).toFixed(2)} ms) for ${bench.binsPerStep} bins`);
  });
});
