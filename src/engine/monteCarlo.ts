/**
 * The single-thread Monte Carlo engine: lays out the shared memory, writes the
 * run parameters, phantom and tables, and runs the kernel over the histories
 * in batches (between batches it reports progress and honours an AbortSignal).
 */
import type { ResolvedConfig } from '../config/schema.js';
import { f32AtMost, fragmentSpecies, getIon, getMaterial } from '../physics/index.js';
import type { IonId } from '../physics/index.js';
import type { Ion, Material, MaterialId } from '../physics/index.js';
import { BraggInputError } from '../errors.js';
import { buildPhantom, phantomShape, type Phantom, type PhantomShape } from '../geometry/phantom.js';
import { beamFrame, centralRayEnters, type BeamFrame } from '../beam/beamGeometry.js';
import { planSpots, SPOT_FLOATS, type PlanSpots } from '../beam/planSpots.js';
import { buildTables, writeTables, type PackedTables } from './materialTables.js';
import { libraryBytes, reactionLayout, writeLibrary } from './reactionTables.js';
import { planMemory, type MemoryPlan, type MemoryRequest } from './memoryPlan.js';
import { PARAMS, PARAMS_BYTES, SPOT, SPOT_BYTES, WORKER_POINTERS, WORKER_COUNTERS, ENERGY_UNITS_PER_MEV, LET_FIELDS, type WorkerCounter } from './layout.js';
import { checkLetBound } from './letResults.js';
import { createSharedMemory, instantiateKernel, type KernelVariant } from './kernel.js';
import { nextTurn } from '../runtime/environment.js';
import { toKernelOrder, bigIntsFromKernelOrder } from './voxelOrder.js';

export interface RunProgress { readonly historiesDone: number; readonly historiesTotal: number; readonly elapsedSeconds: number }

export interface RunOptions {
  /** Called after every batch. */
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Histories per kernel call (default 2000). Results do not depend on it. */
  readonly batchSize?: number;
  /** Run the scalar driver inside the chosen build (tests only). */
  readonly referenceDriver?: boolean;
  /** Use a shared memory (default), or an ordinary one where sharing is not allowed. */
  readonly shared?: boolean;
  /** Tests only: the species whose tables are packed (PrepareOptions.tableSpecies). */
  readonly tableSpecies?: readonly IonId[];
}

/** Integer tallies of a run, as the kernel left them (fixed-point units of layout.ts). */
export interface RawTallies {
  readonly phantom: Phantom;
  readonly ion: Ion;
  readonly materials: readonly Material[];
  readonly histories: number;
  readonly energySum: BigInt64Array;
  readonly energySq: BigUint64Array;  // (lo, hi) pairs
  readonly slabSum: BigInt64Array;
  readonly slabSq: BigUint64Array;
  /** Primaries entering each depth slab: slab 0 all that entered the phantom, slab iz > 0 those crossing its upstream plane. */
  readonly slabPrimaries: BigInt64Array;
  /** Energy (units) by the depositing particle's charge, [Z - 1][voxel] (scoring.doseByCharge), or null. */
  readonly chargeSum?: BigInt64Array | null;
  readonly counters: Readonly<Record<WorkerCounter, bigint>>;
  /**
   * LET sums, LET_FIELDS i64 per voxel (layout.ts, assembly/letTally.ts), or null where LET was
   * not scored (scoring.let false, or the WebGPU kernel, which does not score LET yet).
   */
  readonly letSum?: BigInt64Array | null;
  /** Why LET was not scored although scoring.let asked for it (WebGPU: LET buffers beyond the GPU's limits). */
  readonly letOmitted?: string;
  /** Set where the default thread count was lowered so that every thread's tallies fit in memory. */
  readonly threadsLimitedByMemory?: string;
  readonly probeZIndex: number;
  /** Transport time: from the first worker starting to the tallies being reduced (s). */
  readonly wallSeconds: number;
  readonly kernel: KernelVariant;
  readonly threads: number;
  /** Time from creating the worker pool until every worker was transporting (null on the calling thread). */
  readonly poolStartupSeconds: number | null;
  /** Time spent adding the workers' tallies together (null on the calling thread). */
  readonly reduceSeconds: number | null;
  /** Worker failures that were recovered from (their work was redone). */
  readonly workerFailures: number;
  /**
   * Where the uncertainty was not scored history by history (WebGPU: batch
   * method; or a run finished on another backend): the estimated variance of
   * each voxel's and slab's summed energy (MeV^2). When present, energySq and
   * slabSq are not used.
   */
  readonly sumVariance?: { readonly voxel: Float64Array; readonly slab: Float64Array; readonly method: string };
  /** Histories run, when the run stopped early (e.g. the GPU was lost): the rest can be run elsewhere. */
  readonly completedHistories?: number;
  /** Why the run stopped early. */
  readonly stoppedEarly?: string;
  /** Where the transport ran, e.g. 'wasm' or 'webgpu', and on what. */
  readonly backend?: { readonly name: string; readonly adapter?: string };
}

/** Resolves the config's materials (with overrides) and particle. */
export function resolvePhysics(config: ResolvedConfig): { ion: Ion; material: (id: MaterialId) => Material } {
  const ion = getIon(config.beam.particle);
  const cache = new Map<MaterialId, Material>();
  const material = (id: MaterialId): Material => {
    let m = cache.get(id);
    if (!m) {
      m = getMaterial(id, config.materials[id] ?? {});
      cache.set(id, m);
    }
    return m;
  };
  return { ion, material };
}

function checkEnergies(config: ResolvedConfig, packed: PackedTables): void {
  const { energyMeVPerU, energySpreadMeVPerU } = config.beam;
  const { cutoffEnergyMeVPerU } = config.transport;
  const highest = energyMeVPerU + 5 * energySpreadMeVPerU;
  if (highest > packed.energyMaxMeVPerU) {
    throw new BraggInputError(`beam energy ${energyMeVPerU} MeV/u (+5 sigma spread) is above the tables' ${packed.energyMaxMeVPerU} MeV/u`);
  }
  if (cutoffEnergyMeVPerU < packed.energyMinMeVPerU * 1.01) {
    throw new BraggInputError(`transport.cutoffEnergyMeVPerU ${cutoffEnergyMeVPerU} is below the tables' ${packed.energyMinMeVPerU} MeV/u`);
  }
  if (energyMeVPerU <= cutoffEnergyMeVPerU) {
    throw new BraggInputError(`beam energy ${energyMeVPerU} MeV/u is not above the cut-off energy ${cutoffEnergyMeVPerU} MeV/u`);
  }
}

function writeParams(view: DataView, at: number, values: Record<keyof typeof PARAMS, number>): void {
  for (const [name, [offset, type]] of Object.entries(PARAMS)) {
    const value = values[name as keyof typeof PARAMS];
    if (type === 'f32') view.setFloat32(at + offset, value, true);
    else if (type === 'u32') view.setUint32(at + offset, value >>> 0, true);
    else view.setInt32(at + offset, value, true);
  }
}

export function probeIndexFor(config: ResolvedConfig, phantom: PhantomShape): number {
  const depth = config.scoring.lateralProbeDepthMm;
  if (depth === undefined) return -1;
  const dz = phantom.voxelSizeMm[2];
  const index = Math.round(depth / dz);
  if (index < 1 || index >= phantom.nz) {
    throw new BraggInputError(`scoring.lateralProbeDepthMm ${depth} must be at an inner voxel plane, from ${dz} to ${(phantom.nz - 1) * dz} mm`);
  }
  return index;
}

/** The beam axis must hit the phantom's entrance face. */
/** The kernels' source parameters (layout.ts: sourceMode ...): the beam along +z (0), in the room (1), a plan's spots (2). */
function sourceParams(frame: BeamFrame | null, spots: PlanSpots | null) {
  const zero = [0, 0, 0] as const;
  const [u, v, d, iso] = frame ? [frame.u, frame.v, frame.direction, frame.isocenterMm] : [zero, zero, zero, zero];
  return {
    sourceMode: spots ? 2 : frame ? 1 : 0, spotCount: spots?.firstHistory.length ?? 0, beamUX: u[0], beamUY: u[1], beamUZ: u[2], beamVX: v[0], beamVY: v[1], beamVZ: v[2],
    beamDirX: d[0], beamDirY: d[1], beamDirZ: d[2], isocenterXMm: iso[0], isocenterYMm: iso[1], isocenterZMm: iso[2],
    sourceAxisDistanceXMm: frame?.sourceAxisDistanceMm[0] ?? 0, sourceAxisDistanceYMm: frame?.sourceAxisDistanceMm[1] ?? 0,
  };
}

function checkBeamAim(config: ResolvedConfig, phantom: PhantomShape, frame: BeamFrame | null): void {
  const [cx, cy] = config.beam.centerMm;
  if (frame) {
    // The spot's central ray: from the virtual source through (cx, cy) at the isocentre plane.
    if (!centralRayEnters(frame, cx, cy, phantom)) {
      throw new BraggInputError(`beam.centerMm [${cx}, ${cy}]: the spot's central ray at gantry ${config.beam.gantryAngleDeg} and couch ${config.beam.couchAngleDeg ?? 0} degrees misses the phantom`);
    }
    return;
  }
  // The entrance face spans the phantom's x and y (centred for phantoms of regions; a CT's own for a CT).
  const [lowX, lowY] = phantom.originMm;
  const highX = lowX + phantom.nx * phantom.voxelSizeMm[0], highY = lowY + phantom.ny * phantom.voxelSizeMm[1];
  if (!(cx >= lowX && cx < highX && cy >= lowY && cy < highY)) {
    throw new BraggInputError(`beam.centerMm [${cx}, ${cy}] misses the phantom, whose entrance face spans x from ${lowX} to ${highX} mm and y from ${lowY} to ${highY} mm`);
  }
}

/**
 * Histories one run can tally: the 64-bit energy counters (2^-24 MeV units)
 * must hold the total incident energy, with a factor 2 to spare.
 */
export function maxHistoriesFor(config: ResolvedConfig, ion: Ion): number {
  const highestMeV = ion.massNumber * (config.beam.energyMeVPerU + 5 * config.beam.energySpreadMeVPerU);
  return Math.floor(2 ** 62 / ENERGY_UNITS_PER_MEV / highestMeV);
}

export interface PreparedRun {
  readonly memory: WebAssembly.Memory;
  readonly plan: MemoryPlan;
  readonly phantom: Phantom;
  readonly ion: Ion;
  readonly materials: readonly Material[];
  readonly probeZIndex: number;
  /** LET tallies kept (scoring.let). */
  readonly scoreLet: boolean;
  /** Charges whose dose is kept apart (scoring.doseByCharge: Z = 1 ... maxChargeNumber; 0: not). */
  readonly charges: number;
  /** The highest charge number of the transported species. */
  readonly maxChargeNumber: number;
}

export interface PrepareOptions {
  /** Bytes to reserve for a parallel run's control block. */
  readonly controlBytes?: number;
  /** Refuse runs that need more shared memory than this. */
  readonly memoryLimitBytes?: number;
  /** Shared memory for worker threads (default), or an ordinary one for the calling thread only. */
  readonly shared?: boolean;
  /** Checks the LET sums' bound even where the WASM tallies leave LET out (WebGPU scores it: gpuEngine.ts). */
  readonly checkLetBound?: boolean;
  /** Where `workers` would not fit in memory, plan the most that do (at least one) instead of refusing. */
  readonly fitWorkers?: boolean;
  /**
   * The particle species whose tables are packed, in block order (default: the beam's ion alone);
   * it must hold the beam's ion. Tests put the beam behind another species to check that every
   * driver reads a lane's own species' blocks.
   */
  readonly tableSpecies?: readonly IonId[];
}

const isProton = (ion: Ion) => ion.chargeNumber === 1 && ion.massNumber === 1;



/** Builds phantom and tables, plans and fills the shared memory for `workers` workers. */
export function prepareRun(config: ResolvedConfig, workers = 1, options: PrepareOptions = {}): PreparedRun {
  // Every check and the memory plan come before the phantom's per-voxel arrays are allocated.
  const { ion, material } = resolvePhysics(config);
  const shape = phantomShape(config);
  const materials = shape.materials.map(material);
  // Ion beams with nuclear reactions transport their fragments: one species each (fragmentSpecies.ts).
  const fragmentation = config.transport.nuclear && !isProton(ion);
  const species = options.tableSpecies?.map((id) => getIon(id)) ?? (fragmentation ? [...fragmentSpecies(ion)] : [ion]);
  const beamSpecies = species.findIndex((s) => s.id === ion.id);
  if (beamSpecies < 0) throw new RangeError(`tableSpecies ${species.map((s) => s.id).join(', ')} lacks the beam's ${ion.id}`);
  const protonSpecies = species.findIndex((s) => s.id === 'proton');
  const packed = buildTables(species, materials);
  checkEnergies(config, packed);
  const zShiftMm = config.phantom.voxels?.zShiftMm ?? 0;
  const frame = beamFrame(config, shape, zShiftMm);
  // A plan's spots are checked one by one (planSpots); a beam's axis here.
  const spots = planSpots(config, shape, zShiftMm);
  if (!spots) checkBeamAim(config, shape, frame);
  const maxHistories = maxHistoriesFor(config, ion);
  if (config.transport.histories > maxHistories) {
    throw new BraggInputError(`transport.histories ${config.transport.histories} is more than one run can tally for this beam (${maxHistories}): split it into runs with different seeds`);
  }
  const probeZIndex = probeIndexFor(config, shape);
  const reactions = fragmentation ? reactionLayout(species, materials, config.beam.energyMeVPerU + 3 * config.beam.energySpreadMeVPerU) : null;
  const blockBytes = packed.strideBytes * packed.tables.length;
  const library = reactions ? libraryBytes(reactions.library) : { events: 0, products: 0 };
  const voxels = shape.nx * shape.ny * shape.nz;
  const scoreLet = config.scoring.let;
  if (scoreLet || options.checkLetBound) checkLetBound(config, ion, materials, material('water'), packed);
  // One block per charge up to the highest of the transported species (the beam's for its fragments).
  const maxChargeNumber = Math.max(...species.map((s) => s.chargeNumber));
  const charges = config.scoring.doseByCharge ? maxChargeNumber : 0;
  const request = {
    charges,
    voxels, nz: shape.nz, tableBytes: blockBytes + library.events + library.products, workers, scoreLet,
    controlBytes: options.controlBytes, limitBytes: options.memoryLimitBytes, spots: spots?.firstHistory.length ?? 0,
  };
  const plan = options.fitWorkers ? planMostWorkers(request) : planMemory(request);
  const phantom = buildPhantom(config, (id) => material(id).densityGPerCm3);
  let memory: WebAssembly.Memory;
  try {
    memory = createSharedMemory(plan.pages, options.shared ?? true);
  } catch (error) {
    throw new BraggInputError(`could not allocate ${Math.ceil(plan.totalBytes / 2 ** 20)} MiB of shared memory (${(error as Error).message}): use fewer voxels or threads`);
  }
  const buffer = memory.buffer;
  toKernelOrder(phantom.materialIndex, new Uint8Array(buffer, plan.materialIndex, voxels), phantom.nx, phantom.ny, phantom.nz);
  toKernelOrder(phantom.densityGPerCm3, new Float32Array(buffer, plan.density, voxels), phantom.nx, phantom.ny, phantom.nz);
  writeTables(buffer, plan.tables, packed, config.transport.maxEnergyLossFraction, config.transport.cutoffEnergyMeVPerU, material('water'), reactions ?? undefined);
  const eventsPtr = plan.tables + blockBytes;
  const productsPtr = eventsPtr + library.events;
  if (reactions) writeLibrary(buffer, eventsPtr, productsPtr, reactions.library);
  const grid = reactions?.library.energiesMeVPerU;
  const seed = config.transport.seed;
  const spot = config.beam.spotSigmaMm;
  const divergence = config.beam.divergenceSigmaMrad;
  const [spotX, spotY] = typeof spot === 'number' ? [spot, spot] : spot;
  const [divX, divY] = typeof divergence === 'number' ? [divergence, divergence] : divergence;
  const view = new DataView(buffer);
  writeParams(view, plan.params, {
    nx: phantom.nx, ny: phantom.ny, nz: phantom.nz,
    voxelXMm: phantom.voxelSizeMm[0], voxelYMm: phantom.voxelSizeMm[1], voxelZMm: phantom.voxelSizeMm[2],
    originXMm: phantom.originMm[0], originYMm: phantom.originMm[1],
    materialIndexPtr: plan.materialIndex, densityPtr: plan.density, tablesPtr: plan.tables,
    tableLength: packed.tableLength, tableStride: packed.strideBytes,
    logEnergyMin: packed.logEnergyMin, invLogEnergyStep: 1 / packed.logEnergyStep,
    massNumber: ion.massNumber, chargeNumber: ion.chargeNumber, massPerNucleonMeV: ion.massMeV / ion.massNumber,
    maxStepMm: config.transport.maxStepMm,
    beamEnergyMeVPerU: config.beam.energyMeVPerU, beamEnergySigmaMeVPerU: config.beam.energySpreadMeVPerU,
    beamCenterXMm: config.beam.centerMm[0], beamCenterYMm: config.beam.centerMm[1],
    spotSigmaXMm: spotX, spotSigmaYMm: spotY,
    divergenceSigmaXRad: divX / 1000, divergenceSigmaYRad: divY / 1000,
    seedLo: seed % 2 ** 32, seedHi: Math.floor(seed / 2 ** 32),
    probeZIndex,
    nuclear: config.transport.nuclear ? 1 : 0,
    scoreLet: scoreLet ? 1 : 0,
    materialCount: packed.materialCount, beamSpecies, protonSpecies,
    libraryEventsPtr: reactions ? eventsPtr : 0, libraryProductsPtr: reactions ? productsPtr : 0,
    libraryTargets: reactions?.targets.length ?? 0, libraryBins: grid?.length ?? 0,
    libraryEventsPerBin: reactions?.library.eventsPerBin ?? 0,
    libraryLogEnergyMin: grid ? Math.log(grid[0]!) : 0,
    libraryInvLogEnergyStep: grid && grid.length > 1 ? (grid.length - 1) / Math.log(grid[grid.length - 1]! / grid[0]!) : 0,
    tableMaxEnergyMeVPerU: f32AtMost(packed.energyMaxMeVPerU),
    ...sourceParams(frame, spots),
  });
  if (spots) {
    spots.firstHistory.forEach((first, k) => {
      const record = plan.params + PARAMS_BYTES + k * SPOT_BYTES;
      new Float32Array(buffer, record, SPOT_FLOATS).set(spots.floats.subarray(k * SPOT_FLOATS, (k + 1) * SPOT_FLOATS));
      view.setUint32(record + SPOT.firstHistory, first, true);
    });
  }
  for (const w of plan.workers) {
    view.setUint32(w.block + WORKER_POINTERS.energySumPtr, w.energySum, true);
    view.setUint32(w.block + WORKER_POINTERS.energySqPtr, w.energySq, true);
    view.setUint32(w.block + WORKER_POINTERS.scratchPtr, w.scratch, true);
    view.setUint32(w.block + WORKER_POINTERS.slabSumPtr, w.slabSum, true);
    view.setUint32(w.block + WORKER_POINTERS.slabSqPtr, w.slabSq, true);
    view.setUint32(w.block + WORKER_POINTERS.slabScratchPtr, w.slabScratch, true);
    view.setUint32(w.block + WORKER_POINTERS.slabPrimariesPtr, w.slabPrimaries, true);
    view.setUint32(w.block + WORKER_POINTERS.chargeDosePtr, charges > 0 ? w.chargeDose : 0, true);
    view.setUint32(w.block + WORKER_POINTERS.voxels, voxels, true);
    view.setUint32(w.block + WORKER_POINTERS.charges, charges, true);
    view.setUint32(w.block + WORKER_POINTERS.listPtr, w.list, true);
    view.setUint32(w.block + WORKER_POINTERS.listCapacity, plan.listCapacity, true);
    view.setUint32(w.block + WORKER_POINTERS.lanesPtr, w.lanes, true);
    view.setUint32(w.block + WORKER_POINTERS.letPtr, scoreLet ? w.letSum : 0, true);
    view.setUint32(w.block + WORKER_POINTERS.letListPtr, scoreLet ? w.letList : 0, true);
  }
  return { memory, plan, phantom, ion, materials, probeZIndex, scoreLet, charges, maxChargeNumber };
}

/**
 * The plan for request.workers workers, or for the most workers below that
 * whose tallies fit in memory (each worker keeps its own: memoryPlan.ts);
 * planMemory's error where not even one fits.
 */
function planMostWorkers(request: MemoryRequest): MemoryPlan {
  for (let workers = request.workers; workers > 1; workers--) {
    try {
      return planMemory({ ...request, workers });
    } catch (error) {
      if (!(error instanceof BraggInputError)) throw error;
    }
  }
  return planMemory({ ...request, workers: 1 });
}

/** The charge blocks [Z][voxels] of a kernel's tally in result voxel order. */
function chargeBlocksFromKernelOrder(blocks: BigInt64Array, phantom: Phantom, charges: number): BigInt64Array {
  const { nx, ny, nz } = phantom;
  const voxels = nx * ny * nz;
  const out = new BigInt64Array(charges * voxels);
  for (let z = 0; z < charges; z++) out.set(bigIntsFromKernelOrder(blocks.subarray(z * voxels, (z + 1) * voxels), nx, ny, nz), z * voxels);
  return out;
}

/** Reads worker w's run counters. */
export function readCounters(run: PreparedRun, w: number): Record<WorkerCounter, bigint> {
  const view = new DataView(run.memory.buffer);
  const counters = {} as Record<WorkerCounter, bigint>;
  for (const [name, offset] of Object.entries(WORKER_COUNTERS)) {
    counters[name as WorkerCounter] = view.getBigInt64(run.plan.workers[w]!.block + offset, true);
  }
  return counters;
}

/** Copies worker w's integer tallies out of the kernel's memory, voxels in result order (voxelOrder.ts). */
export function readTallies(run: PreparedRun, w: number) {
  const regions = run.plan.workers[w]!;
  const buffer = run.memory.buffer;
  const { nx, ny, nz } = run.phantom;
  const voxels = nx * ny * nz;
  return {
    energySum: bigIntsFromKernelOrder(new BigInt64Array(buffer, regions.energySum, voxels), nx, ny, nz),
    energySq: bigIntsFromKernelOrder(new BigUint64Array(buffer, regions.energySq, 2 * voxels), nx, ny, nz, 2),
    slabSum: new BigInt64Array(buffer, regions.slabSum, nz).slice(),
    slabSq: new BigUint64Array(buffer, regions.slabSq, 2 * nz).slice(),
    slabPrimaries: new BigInt64Array(buffer, regions.slabPrimaries, nz).slice(),
    chargeSum: run.charges > 0 ? chargeBlocksFromKernelOrder(new BigInt64Array(buffer, regions.chargeDose, run.charges * voxels), run.phantom, run.charges) : null,
    letSum: run.scoreLet ? bigIntsFromKernelOrder(new BigInt64Array(buffer, regions.letSum, LET_FIELDS.length * voxels), nx, ny, nz, LET_FIELDS.length) : null,
    counters: readCounters(run, w),
  };
}


/** Runs all histories of the config on the calling thread (the reference for the parallel engine). */
export async function runMonteCarlo(config: ResolvedConfig, options: RunOptions = {}): Promise<RawTallies> {
  const shared = options.shared ?? true;
  const run = prepareRun(config, 1, { shared, tableSpecies: options.tableSpecies });
  const variant: KernelVariant = config.transport.kernel;
  const kernel = await instantiateKernel(variant, run.memory, shared);
  const total = config.transport.histories;
  const batch = Math.max(1, Math.floor(options.batchSize ?? 2000));
  const drive = options.referenceDriver ? kernel.transportReference : kernel.transport;
  const worker = run.plan.workers[0]!;
  const start = performance.now();
  for (let done = 0; done < total;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const count = Math.min(batch, total - done);
    drive(run.plan.params, worker.block, done, count);
    done += count;
    options.onProgress?.({ historiesDone: done, historiesTotal: total, elapsedSeconds: (performance.now() - start) / 1000 });
    if (options.onProgress || options.signal) await nextTurn();
  }
  const wallSeconds = (performance.now() - start) / 1000;
  return {
    ...readTallies(run, 0), phantom: run.phantom, ion: run.ion, materials: run.materials,
    histories: total, probeZIndex: run.probeZIndex, wallSeconds, kernel: variant,
    threads: 1, poolStartupSeconds: null, reduceSeconds: null, workerFailures: 0,
  };
}
