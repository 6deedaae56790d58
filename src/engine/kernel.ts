/**
 * Loading the transport kernels. The module is compiled once per variant and
 * cached; instances are made on a caller-provided shared memory (the kernel
 * imports `env.memory`), so one compiled module can serve many instances.
 *
 * We use asc's raw exports rather than @assemblyscript/loader: the kernel takes
 * and returns only numbers and pointers into memory that TypeScript laid out,
 * so the loader's string/array marshalling has nothing to do, and the
 * loader is deprecated since AssemblyScript 0.20.
 */
import { readPackageFile } from '../runtime/environment.js';

export type KernelVariant = 'simd' | 'scalar';
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['simd', 'scalar'];

export interface KernelExports {
  transport(params: number, worker: number, firstHistory: number, count: number): void;
  transportReference(params: number, worker: number, firstHistory: number, count: number): void;
  addTallies(dstWorker: number, srcWorker: number, voxelFrom: number, voxelTo: number, slabFrom: number, slabTo: number): void;
  philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: number): void;
  mathLog(x: number): number;
  mathSinHalfPi(x: number): number;
  mathNormal(u: number): number;
  /** u32 threshold of a probability (returned as a signed i32: read it with >>> 0). */
  mathWordThreshold(p: number): number;
  mathLanes(which: number, values: number): void;
  philoxLanes(counters: number, k0: number, k1: number, out: number): void;

  // Operators of the deterministic solver (src/deterministic/README.md). Pointers
  // are byte offsets into the shared memory, counts are integers, ranges are
  // [first, end); psi is f64 [e][z][x][t] with t fastest; `tallies` is this
  // thread's 12 f64 (the kernels add to them). The SIMD and scalar builds give
  // bit-identical psi. Full contracts: the headers of assembly/deterministic/*.ts.

  /**
   * In place: convolves rows (e, z, x), e in [eFirst, eEnd), z in [zFirst, zEnd),
   * with the angular kernel of (e, material), folding moves beyond the edge bins
   * into them; all-zero rows are skipped. `scratch`: >= nTheta + 2 jMax f64 per thread.
   */
  scatterAngles(psi: number, nTheta: number, nz: number, nx: number, eFirst: number, eEnd: number,
    zFirst: number, zEnd: number, cellMaterial: number, nMaterials: number, kernelHalfWidth: number,
    kernelWeights: number, jMax: number, scratch: number): void;
  /**
   * psiIn -> psiOut: zeroes psiOut rows z in [zFirst, zEnd) of every e in [0, ne), moves
   * source bins [eFirst, eEnd) down in energy, deposits into doseEnergyMeV, then drops
   * values below `floor` as absorbed. Tallies [2] absorbed, [3] deposited MeV, [4] floored.
   * `lossSlots`: targets per (e, m) of lossFirstBin / lossWeights.
   */
  loseEnergy(psiIn: number, psiOut: number, ne: number, nTheta: number, nz: number, nx: number,
    zFirst: number, zEnd: number, eFirst: number, eEnd: number, cellMaterial: number, nMaterials: number,
    lossFirstBin: number, lossWeights: number, lossSlots: number, lossDepositMeV: number, lossAbsorbed: number,
    energyMeV: number, doseEnergyMeV: number, tallies: number, floor: number): void;
  /**
   * psiIn -> psiOut along x (MUSCL, limited slopes): writes psiOut rows z in [zFirst, zEnd) of
   * e in [eFirst, eEnd), nothing else. Tallies [0] escaped particles, [1] their MeV.
   */
  streamX(psiIn: number, psiOut: number, nTheta: number, nz: number, nx: number, eFirst: number, eEnd: number,
    zFirst: number, zEnd: number, shiftX: number, energyMeV: number, tallies: number): void;
  /**
   * psiIn -> psiOut along z (MUSCL, limited slopes, shifts in [0, 1]): writes psiOut rows z in
   * [zFirst, min(zEnd + 1, nz)) of e in [eFirst, eEnd), nothing else; psiIn must be zero
   * outside rows [zFirst, zEnd). Tallies [0], [1] as streamX; the flux through the face
   * between rows probeFace - 1 and probeFace (-1: none) is added to probeFluence[x].
   */
  streamZ(psiIn: number, psiOut: number, nTheta: number, nz: number, nx: number, eFirst: number, eEnd: number,
    zFirst: number, zEnd: number, shiftZ: number, energyMeV: number, tallies: number,
    probeFace: number, probeFluence: number): void;
  /**
   * scatterAngles, loseEnergy, scatterAngles fused, psiIn -> psiOut (psiIn not written): the same
   * psiOut, dose and tallies bit for bit, but writes psiOut rows z in [zFirst, zEnd) of the bins
   * [max(0, eFirst - lossReach), eEnd) only. `scratch`: collideScratchValues f64 per thread
   * (src/deterministic/solverMemory.ts).
   */
  collide(psiIn: number, psiOut: number, nTheta: number, nz: number, nx: number,
    zFirst: number, zEnd: number, eFirst: number, eEnd: number, lossReach: number, cellMaterial: number, nMaterials: number,
    kernelHalfWidth: number, kernelWeights: number, jMax: number,
    lossFirstBin: number, lossWeights: number, lossSlots: number, lossDepositMeV: number, lossAbsorbed: number,
    energyMeV: number, doseEnergyMeV: number, tallies: number, floor: number, scratch: number): void;
  /**
   * streamX then streamZ fused, psiIn -> psiOut (psiIn not written, read in rows [zFirst, zEnd)
   * only): the same psiOut rows [zFirst, min(zEnd + 1, nz)), tallies and probe fluence bit for bit.
   * `scratch`: nz nx nTheta f64 per thread.
   */
  stream(psiIn: number, psiOut: number, nTheta: number, nz: number, nx: number, eFirst: number, eEnd: number,
    zFirst: number, zEnd: number, shiftX: number, shiftZ: number, energyMeV: number, tallies: number,
    probeFace: number, probeFluence: number, scratch: number): void;
  /**
   * Nuclear events in place on psi rows z in [zFirst, zEnd): turns bins [eFirst, eEnd) by `elastic`
   * and `elasticKernel` (elastic on heavier nuclei), removes them by `removal`, places the products of each node's events about their mean direction bin in bins
   * [0, eEnd), deposits the local energy. Tallies [3] deposited MeV, [6] events, [7] neutral MeV,
   * [8] MeV beyond the angle grid not deposited, [9] secondaries placed. `scratch`: nuclearScratchValues(nNodes, nx) f64 (solverMemory.ts).
   * Tables: src/deterministic/nuclearTables.ts.
   */
  nuclearRows(psi: number, nTheta: number, nz: number, nx: number, ne: number, zFirst: number, zEnd: number, eFirst: number, eEnd: number,
    cellMaterial: number, nMaterials: number, removal: number, elastic: number, elasticKernel: number, nodeOf: number, nodeWeight: number, nNodes: number,
    yields: number, yieldTotal: number, nodeTop: number, nodeNeutralMeV: number, nodeLocalMeV: number, nodeLeavingMeV: number,
    wideLocalBins: number, energyMeV: number, doseEnergyMeV: number, tallies: number, scratch: number): void;
  /**
   * One nonelastic event of a proton of `energyMeV` through the Monte Carlo's product code
   * (assembly/deterministic/nuclearProducts.ts): the neutral energy and each secondary's
   * (E, u, v, w) about a parent along +z at `out`; returns the number of secondaries.
   */
  sampleNonelastic(params: number, worker: number, energyMeV: number, history: number, out: number): number;
  /** Mean recoil energy (MeV) of elastic scattering of a proton of `energyMeV` on a nucleus of mass number A (assembly/nuclear.ts). */
  meanElasticRecoilMeV(energyMeV: number, massNumber: number): number;
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * build/ sits at the package root: two levels above src/engine and above the
 * browser bundle in dist/browser, three above dist/src/engine.
 */
async function wasmBytes(name: string): Promise<Uint8Array<ArrayBuffer>> {
  const candidates = ['../../build/', '../../../build/'].map((up) => new URL(up + name, import.meta.url));
  const bytes = await readPackageFile(candidates, 'the kernel');
  if (bytes) return bytes;
  throw new Error(`kernel ${name} not found: run 'npm run build' first`);
}

/**
 * The compiled kernel module of a variant (compiled once per process). The
 * shared build imports a shared memory, for worker threads; the local build
 * an ordinary one, for pages that may not share memory.
 */
export function compileKernel(variant: KernelVariant, shared = true): Promise<WebAssembly.Module> {
  const name = `kernel.${variant}${shared ? '' : '.local'}.wasm`;
  let module = compiled.get(name);
  if (!module) {
    module = wasmBytes(name).then((bytes) => WebAssembly.compile(bytes));
    compiled.set(name, module);
  }
  return module;
}

/** Creates a memory of exactly `pages` pages (initial = maximum, so views never go stale). */
export function createSharedMemory(pages: number, shared = true): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
}

export async function instantiateKernel(variant: KernelVariant, memory: WebAssembly.Memory, shared = true): Promise<KernelExports> {
  const module = await compileKernel(variant, shared);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
