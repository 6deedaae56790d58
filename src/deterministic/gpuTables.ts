/**
 * The deterministic solver's tables as the WebGPU kernels read them
 * (shaders/deterministic/): one f32 and one i32 buffer holding every table of
 * SolverTables at offsets given to the WGSL as constants, with the grid's
 * shape and the workgroup shape, in a preamble generated here, so shaders and
 * buffers cannot drift apart.
 *
 * The WebGPU path takes at most GPU_MAX_ANGLE_BINS direction bins: one
 * thread per bin, a row of bins in one workgroup.
 *
 * f32 tables keep the conservation of the f64 ones: each scattering kernel
 * and each energy-loss map (its weights onto bins >= 0 with the absorbed
 * fraction) is rounded so that its f32 weights still sum to 1 (to a few
 * units of 2^-24 of the smallest weight), and the deposit per particle is
 * recomputed from the rounded energies and weights, E_e - sum_k w_k E_jk,
 * so a particle's energy is conserved by the f32 tables too. The nuclear
 * tables (nuclearTables.ts) likewise: a node's total yield into a bin is the
 * sum of its rounded yields, its local energy the node energy less the
 * rounded neutral, leaving and placed energies, and a bin's node weight is
 * recomputed from its rounded energy.
 */
import { PSI_FLOOR } from './solver.js';
import type { SolverTables } from './solverTables.js';
import type { NuclearTables } from './nuclearTables.js';

/** Binding numbers shared by every kernel; each shader declares the ones it uses. */
export const GPU_BINDINGS = { psiIn: 0, psiOut: 1, tablesF: 2, tablesI: 3, control: 4, rows: 5, accum: 6 } as const;
export type GpuBindingName = keyof typeof GPU_BINDINGS;

/**
 * The record's fixed-point sums, in order (tally.wgsl): the last four are the
 * nuclear events' (nuclear.wgsl; 0 with nuclear events off).
 */
export const GPU_RECORD_SUMS = [
  'escapedParticles', 'escapedEnergyMeV', 'absorbedParticles', 'depositedEnergyMeV', 'flooredParticles', 'particlesAfter', 'energyAfterMeV',
  'nuclearEvents', 'secondaries', 'neutralEnergyMeV', 'leavingEnergyMeV',
] as const;
/** Control buffer, in u32 words (tally.wgsl draws it): window, bbox, record index, then the step records (window, sums, nextOccupied). */
export const GPU_CONTROL = {
  window: 0, bbox: 8, record: 12, records: 16, recordWords: 8 + 3 * GPU_RECORD_SUMS.length + 1, sums: 8, nextOccupied: 8 + 3 * GPU_RECORD_SUMS.length,
} as const;
/** Steps one submit may run (records it can hold). */
export const MAX_STEPS_PER_SUBMIT = 256;

/** Fixed point of the GPU tallies (common.wgsl): value = w2 2^-16 + w1 2^-48 + w0 2^-80. */
export function fixedToNumber(w0: number, w1: number, w2: number): number {
  return w2 * 2 ** -16 + w1 * 2 ** -48 + w0 * 2 ** -80;
}

/** Rounds weights meant to sum to 1 to f32, moving the rounding residual onto the largest ones. */
export function normalizedF32(weights: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(weights);
  const target = Array.from(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(target - 1) > 1e-6) return out;
  const order = Array.from(out.keys()).filter((i) => out[i]! > 0).sort((a, b) => out[b]! - out[a]!);
  for (const i of order) {
    const residual = 1 - out.reduce((a, b) => a + b, 0);
    if (residual === 0) break;
    out[i] = Math.max(0, Math.fround(out[i]! + residual));
  }
  return out;
}

export interface GpuTables {
  readonly tablesF: Float32Array<ArrayBuffer>;
  readonly tablesI: Int32Array<ArrayBuffer>;
  /** The energies as the GPU has them (f32), for sums on the host. */
  readonly energyMeV: Float32Array;
  /** Size of the row tallies (rows.wgsl: 2 vec4<f32> a row, then 2 a cell for the nuclear events), and of accum in u32 (tally.wgsl). */
  readonly rowTallyBytes: number;
  readonly accumWords: number;
  readonly accumProbe: number;
  /** Workgroup memory the largest kernel needs (streamZ: a block of rows and their kernels, the row sums). */
  readonly workgroupBytes: number;
  /** Workgroups of each dispatch: the persistent row kernels', cellTallies' (one per CELLS_PER_GROUP cells), the persistent nuclear kernel's (one cell at a time each). */
  readonly groups: { readonly rows: number; readonly cells: number; readonly nuclearCells: number };
  readonly preamble: string;
}

/** Most direction bins the kernels take: one thread per bin, a row in one workgroup. */
export const GPU_MAX_ANGLE_BINS = 256;
/**
 * Workgroup shape of the row kernels (benchmarks may vary it): rows a thread
 * works on at once (its loads for all of them in flight together), and the
 * workgroups of the persistent row kernels (enough to fill any GPU, few
 * enough to launch in microseconds).
 */
export interface GpuTuning { readonly unroll?: 1 | 2 | 4; readonly maxRowGroups?: number; readonly rowsPerGroup?: number }
// Measured on an H200 (bench/results/README.md, 2026-12-05: --gpu-sweep in two leases): 16384 persistent
// row workgroups step the dense grid fastest (1.030 ms against 1.067 at 4096 and 1.072 at 65536).
const DEFAULT_TUNING = { unroll: 2, maxRowGroups: 16384 };
const CELLS_PER_GROUP = 8;

/**
 * The nuclear tables in f32 (layouts: nuclearTables.ts), conserving as the
 * file header says; empty without nuclear events.
 */
function nuclearF32(n: NuclearTables | null, energyMeV: Float32Array, nTheta: number) {
  if (n === null) return { removal: [], elastic: [], elasticKernel: [], nodeWeight: [], yields: [], yieldTotal: [], neutral: [], local: [], leaving: [] };
  const ne = energyMeV.length, width = 2 * nTheta - 1;
  const yields = Float32Array.from(n.yields);
  const yieldTotal = new Float32Array(n.nNodes * ne);
  const neutral = Float32Array.from(n.nodeNeutralMeV), leaving = Float32Array.from(n.nodeLeavingMeV), local = new Float32Array(n.nNodes);
  for (let g = 0; g < n.nNodes; g++) {
    let placedMeV = 0;
    for (let j = 0; j < ne; j++) {
      let total = 0;
      for (let d = 0; d < width; d++) total += yields[(g * ne + j) * width + d]!;
      yieldTotal[g * ne + j] = total;
      placedMeV += yieldTotal[g * ne + j]! * energyMeV[j]!;
    }
    // nuclearTables.ts buildNuclearTables: E_g = neutral + local + leaving + sum_j yieldTotal E_j
    local[g] = n.nodeEnergyMeV[g]! - neutral[g]! - leaving[g]! - placedMeV;
  }
  // nuclearTables.ts: bin e counts w for node g and 1 - w for g + 1, w = (E_{g+1} - E_e) / (E_{g+1} - E_g)
  const nodeWeight = Float32Array.from(n.nodeOf, (g, e) => {
    const upper = n.nodeEnergyMeV[g + 1]!;
    return (upper - energyMeV[e]!) / (upper - n.nodeEnergyMeV[g]!);
  });
  return {
    removal: Float32Array.from(n.removal), elastic: Float32Array.from(n.elastic), elasticKernel: Float32Array.from(n.elasticKernel),
    nodeWeight, yields, yieldTotal, neutral, local, leaving,
  };
}

export function buildGpuTables(t: SolverTables, tuning: GpuTuning = {}, nuclear: NuclearTables | null = null): GpuTables {
  const unroll = tuning.unroll ?? DEFAULT_TUNING.unroll;
  const maxRowGroups = tuning.maxRowGroups ?? DEFAULT_TUNING.maxRowGroups;
  const { nx, nz, nTheta, ne, materials, cellMaterial } = t.grid;
  const nMat = materials.length;
  const { jMax } = t.scattering;
  const kw = 2 * jMax + 1;
  const pairs = ne * nMat;
  const energyMeV = Float32Array.from(t.energyMeV);

  const kernelWeights = new Float32Array(pairs * kw);
  for (let p = 0; p < pairs; p++) {
    const j = t.scattering.halfWidth[p]!;
    const from = p * kw + jMax - j;
    kernelWeights.set(normalizedF32(t.scattering.weights.subarray(from, from + 2 * j + 1)), from);
  }
  const slots = t.loss.slots;
  const lossWeights = new Float32Array(pairs * slots);
  const lossDeposit = new Float32Array(pairs);
  const lossAbsorbed = new Float32Array(pairs);
  const slotIndices = Array.from({ length: slots }, (_, k) => k);
  for (let p = 0; p < pairs; p++) {
    const e = Math.floor(p / nMat);
    const first = t.loss.firstBin[p]!;
    const w = t.loss.weights.subarray(slots * p, slots * p + slots);
    // the weights onto bins >= 0 and the absorbed fraction together sum to 1
    const kept = slotIndices.filter((k) => first + k >= 0);
    const absorbed = slotIndices.filter((k) => first + k < 0).reduce((a, k) => a + w[k]!, 0);
    const rounded = normalizedF32([...kept.map((k) => w[k]!), absorbed]);
    let remaining = energyMeV[e]!;
    kept.forEach((k, i) => {
      lossWeights[slots * p + k] = rounded[i]!;
      remaining -= rounded[i]! * energyMeV[first + k]!;
    });
    lossAbsorbed[p] = rounded[kept.length]!;
    lossDeposit[p] = Math.max(0, remaining);
  }

  const n = nuclearF32(nuclear, energyMeV, nTheta);
  const floatTables = {
    ENERGY: energyMeV, KERNEL_W: kernelWeights, LOSS_W: lossWeights, LOSS_DEP: lossDeposit, LOSS_ABS: lossAbsorbed,
    SHIFT_X: Float32Array.from(t.shifts.shiftX), SHIFT_Z: Float32Array.from(t.shifts.shiftZ),
    NUC_REMOVAL: n.removal, NUC_ELASTIC: n.elastic, NUC_ELASTIC_K: n.elasticKernel, NUC_NODE_WEIGHT: n.nodeWeight,
    NUC_YIELDS: n.yields, NUC_YIELD_TOTAL: n.yieldTotal, NUC_NEUTRAL: n.neutral, NUC_LOCAL: n.local, NUC_LEAVING: n.leaving,
  };
  const intTables = {
    MATERIAL: cellMaterial, HALF_WIDTH: t.scattering.halfWidth, FIRST_BIN: t.loss.firstBin,
    NUC_NODE_OF: nuclear?.nodeOf ?? [], NUC_NODE_TOP: nuclear?.nodeTop ?? [],
  };
  const offsets: Record<string, number> = {};
  const pack = <T extends Float32Array | Int32Array>(parts: Record<string, ArrayLike<number>>, into: new (n: number) => T): T => {
    let length = 0;
    for (const [name, part] of Object.entries(parts)) { offsets[name] = length; length += part.length; }
    const out = new into(Math.max(length, 4));
    for (const [name, part] of Object.entries(parts)) out.set(part, offsets[name]);
    return out;
  };
  const tablesF = pack(floatTables, Float32Array) as Float32Array<ArrayBuffer>;
  const tablesI = pack(intTables, Int32Array) as Int32Array<ArrayBuffer>;

  // accum (u32): dose (3 words a cell), probe (3 a column x), the cells' sums of a step (36 a cell: three Fx4): tally.wgsl
  const accum = { ACCUM_DOSE: 0, ACCUM_PROBE: 3 * nz * nx, ACCUM_CELLS: 3 * nz * nx + 3 * nx };
  // rows of nTheta threads a workgroup: as many as fit in GPU_MAX_ANGLE_BINS threads unless tuned lower
  const rows = Math.min(tuning.rowsPerGroup ?? Infinity, Math.floor(GPU_MAX_ANGLE_BINS / nTheta));
  if (!(Number.isInteger(rows) && rows >= 1)) throw new RangeError(`rowsPerGroup must be an integer from 1 to ${Math.floor(GPU_MAX_ANGLE_BINS / nTheta)}`);
  const block = rows * unroll;

  const u32 = {
    NX: nx, NZ: nz, NT: nTheta, NE: ne, NMAT: nMat, JMAX: jMax, KW: kw, MAX_DROP: t.loss.maxDropBins, LOSS_SLOTS: slots,
    ROWS: rows, WG: rows * nTheta, UNROLL: unroll, BLOCK: block, REDUCE_START: 2 ** Math.floor(Math.log2(nTheta - 1)),
    CELLS_PER_GROUP, ENERGY_LANES: 256 / CELLS_PER_GROUP, MAX_RECORDS: MAX_STEPS_PER_SUBMIT, RECORD_SUMS: GPU_RECORD_SUMS.length, ...accum,
    NNODES: nuclear?.nNodes ?? 0, WIDE_LOCAL_BINS: nuclear?.wideLocalBins ?? 0,
    ...Object.fromEntries(Object.entries(offsets).map(([name, v]) => [`OFF_${name}`, v])),
  };
  const lines = Object.entries(u32).map(([name, v]) => `const ${name}: u32 = ${v}u;`);
  lines.push(`const PROBE_FACE: i32 = ${t.probeFace ?? -1};`);
  lines.push(`const PSI_FLOOR: f32 = ${PSI_FLOOR.toExponential()};`);
  lines.push(`const NUCLEAR: bool = ${nuclear !== null};`);
  return {
    tablesF, tablesI, energyMeV, rowTallyBytes: 32 * (ne + 1) * nz * nx, accumWords: accum.ACCUM_CELLS + 36 * nz * nx, accumProbe: accum.ACCUM_PROBE,
    workgroupBytes: 4 * block * (nTheta + kw) + 16 * 256 + 64, preamble: lines.join('\n') + '\n',
    groups: {
      rows: Math.min(maxRowGroups, Math.ceil((ne * nz * nx) / block)), cells: Math.ceil((nz * nx) / CELLS_PER_GROUP),
      nuclearCells: Math.min(maxRowGroups, nz * nx),
    },
  };
}
