/**
 * Plans the one shared memory of a run: parameters, phantom, material tables,
 * then per worker its block, lane state, deposit lists and tallies. Sizes are
 * known before anything is allocated, so a run that would not fit fails first.
 */
import { RegionPlan, WASM32_MAX_PAGES, WASM_PAGE_BYTES } from './regions.js';
import { PARAMS_BYTES, SPOT_BYTES, WORKER_BYTES, LANE_STATE_BYTES, LANES, LIST_ENTRY_BYTES, LET_FIELDS, LET_LIST_CAPACITY, LET_LIST_ENTRY_BYTES } from './layout.js';
import { BraggInputError } from '../errors.js';

export interface WorkerRegions {
  readonly block: number; readonly lanes: number; readonly list: number;
  readonly energySum: number; readonly energySq: number; readonly scratch: number;
  readonly slabSum: number; readonly slabSq: number; readonly slabScratch: number;
  /** Primaries entering each depth slab (i64 per slab: assembly/lanes.ts). */
  readonly slabPrimaries: number;
  /** Energy by the depositing particle's charge, i64 per voxel and charge (empty unless scored). */
  readonly chargeDose: number;
  /** LET sums, LET_FIELDS i64 per voxel (empty when LET is not scored). */
  readonly letSum: number;
  /** Voxel visits waiting to be added to letSum (assembly/letTally.ts), LET_LIST_CAPACITY per lane. */
  readonly letList: number;
}

export interface MemoryPlan {
  readonly pages: number;
  readonly totalBytes: number;
  readonly params: number;
  /** The parameters and a plan's spot records after them (layout.ts: SPOT). */
  readonly paramsBytes: number;
  readonly materialIndex: number;
  readonly density: number;
  readonly tables: number;
  readonly tablesBytes: number;
  readonly control: number;
  readonly listCapacity: number;
  readonly workers: readonly WorkerRegions[];
}

/** Entries per lane in the history deposit list: far more distinct voxels than one history visits. */
export const DEFAULT_LIST_CAPACITY = 8192;

export interface MemoryRequest {
  readonly voxels: number;
  readonly nz: number;
  readonly tableBytes: number;
  readonly workers: number;
  /** Bytes of the parallel run's control block (0 for a run on the calling thread). */
  readonly controlBytes?: number;
  readonly listCapacity?: number;
  /** Reserve the LET tallies (64 bytes per voxel per worker; default false). */
  readonly scoreLet?: boolean;
  /** Charges whose dose is scored separately (8 bytes per voxel and charge per worker; default 0). */
  readonly charges?: number;
  /** Refuse plans above this many bytes (never above the wasm32 ceiling of 4 GiB). */
  readonly limitBytes?: number;
  /** A treatment plan's spots, whose records follow the parameters (default 0). */
  readonly spots?: number;
}

export function planMemory(request: MemoryRequest): MemoryPlan {
  const { voxels, nz, tableBytes, workers } = request;
  const listCapacity = request.listCapacity ?? DEFAULT_LIST_CAPACITY;
  const limitBytes = request.limitBytes ?? WASM32_MAX_PAGES * WASM_PAGE_BYTES;
  const plan = new RegionPlan();
  const paramsBytes = PARAMS_BYTES + SPOT_BYTES * (request.spots ?? 0);
  const params = plan.reserve('params', paramsBytes);
  const materialIndex = plan.reserve('materialIndex', voxels);
  const density = plan.reserve('density', voxels * 4);
  const tables = plan.reserve('tables', tableBytes);
  const control = plan.reserve('control', request.controlBytes ?? 0);
  const workerRegions: WorkerRegions[] = [];
  for (let w = 0; w < workers; w++) {
    workerRegions.push({
      block: plan.reserve(`worker${w}.block`, WORKER_BYTES),
      lanes: plan.reserve(`worker${w}.lanes`, LANE_STATE_BYTES),
      list: plan.reserve(`worker${w}.list`, LANES * listCapacity * LIST_ENTRY_BYTES),
      energySum: plan.reserve(`worker${w}.energySum`, voxels * 8),
      energySq: plan.reserve(`worker${w}.energySq`, voxels * 16),
      scratch: plan.reserve(`worker${w}.scratch`, voxels * 8),
      slabSum: plan.reserve(`worker${w}.slabSum`, nz * 8),
      slabSq: plan.reserve(`worker${w}.slabSq`, nz * 16),
      slabScratch: plan.reserve(`worker${w}.slabScratch`, nz * 8),
      slabPrimaries: plan.reserve(`worker${w}.slabPrimaries`, nz * 8),
      chargeDose: plan.reserve(`worker${w}.chargeDose`, voxels * (request.charges ?? 0) * 8),
      letSum: plan.reserve(`worker${w}.letSum`, request.scoreLet ? voxels * LET_FIELDS.length * 8 : 0),
      letList: plan.reserve(`worker${w}.letList`, request.scoreLet ? LANES * LET_LIST_CAPACITY * LET_LIST_ENTRY_BYTES : 0),
    });
  }
  const ceiling = WASM32_MAX_PAGES * WASM_PAGE_BYTES;
  const limit = Math.min(limitBytes, ceiling);
  if (plan.totalBytes > limit) {
    const mib = (b: number) => `${Math.ceil(b / 2 ** 20)} MiB`;
    const which = limit === ceiling ? 'the 4 GiB wasm32 limit' : `the memory limit of ${mib(limit)}`;
    throw new BraggInputError(`the run needs ${mib(plan.totalBytes)} of shared memory (${workers} worker${workers === 1 ? '' : 's'}), more than ${which}: use fewer voxels or threads${request.scoreLet ? ', or set scoring.let to false (CLI: --no-let)' : ''}`);
  }
  return { pages: plan.pages, totalBytes: plan.totalBytes, params, paramsBytes, materialIndex, density, tables, tablesBytes: tableBytes, control, listCapacity, workers: workerRegions };
}
