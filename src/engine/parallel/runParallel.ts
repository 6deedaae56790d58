/**
 * The parallel Monte Carlo engine. One shared WebAssembly.Memory holds the
 * tables (written once), and per worker slot its lane state and tallies; the
 * kernel module is compiled once and every worker instantiates it on that
 * memory. Tasks carry only a slot number (and, when work is redone, chunk
 * numbers): workers claim chunks of histories from a shared atomic counter.
 * Integer tallies are added up at the end, in parallel, so the dose is the
 * same bit for bit whatever the thread count, chunk size or scheduling.
 *
 * A worker that throws or dies is replaced: its slot is cleared and every
 * chunk it had done is done again, so the result stays complete and identical.
 */
import type { ResolvedConfig } from '../../config/schema.js';
import { BraggInputError } from '../../errors.js';
import { compileKernel } from '../kernel.js';
import { prepareRun, readTallies, readCounters, type PreparedRun, type RawTallies, type RunOptions } from '../monteCarlo.js';
import { WORKER_BYTES, WORKER_COUNTERS, LANE_STATE_BYTES, LET_FIELDS, type WorkerCounter } from '../layout.js';
import {
  CONTROL_ABORT, CONTROL_CHUNK_OWNER, CONTROL_HISTORIES_DONE, CONTROL_SLOT_START, MAX_SLOTS,
  chunkStartIndex, controlBytes, controlView, planChunks,
} from './control.js';
import { createThreadPool, type ThreadPool } from './threadPool.js';
import type { FaultInjection, WorkerInit } from './tasks.js';
import { defaultMemoryLimitBytes, defaultThreadCount } from '../../runtime/environment.js';

export interface ParallelOptions extends RunOptions {
  /** Worker threads (default: the available cores). */
  readonly threads?: number;
  /** Histories per chunk (default: guided, large chunks first, small at the end). Results do not depend on it. */
  readonly chunkSize?: number;
  /** Refuse runs needing more shared memory (default: half the free memory, at most 4 GiB). */
  readonly memoryLimitBytes?: number;
  /** Tests only: make one worker fail once. */
  readonly faultInjection?: FaultInjection;
  /** Run histories [firstHistory, config histories) only (default 0), e.g. to finish a run another backend began. */
  readonly firstHistory?: number;
}

/** A worker may fail this many times in one run before the run gives up. */
const MAX_WORKER_FAILURES = 8;
const PROGRESS_INTERVAL_MS = 100;

async function resolveThreads(requested: number | undefined): Promise<number> {
  const threads = requested ?? (await defaultThreadCount());
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_SLOTS) {
    throw new BraggInputError(`threads must be an integer from 1 to ${MAX_SLOTS}, got ${threads}`);
  }
  return threads;
}

/** Clears a slot after its worker failed: its tallies, lanes and counters, and the marks of the chunks it had done. */
function clearSlot(run: PreparedRun, control: Int32Array, slot: number, chunkCount: number): void {
  const w = run.plan.workers[slot]!;
  const voxels = run.phantom.nx * run.phantom.ny * run.phantom.nz;
  const nz = run.phantom.nz;
  const zero = (at: number, bytes: number) => new Uint8Array(run.memory.buffer, at, bytes).fill(0);
  zero(w.block + 64, WORKER_BYTES - 64); // counters only: the pointers stay
  zero(w.lanes, LANE_STATE_BYTES);
  zero(w.energySum, voxels * 8);
  zero(w.energySq, voxels * 16);
  zero(w.scratch, voxels * 8);
  zero(w.slabSum, nz * 8);
  zero(w.slabSq, nz * 16);
  zero(w.slabScratch, nz * 8);
  zero(w.slabPrimaries, nz * 8);
  zero(w.chargeDose, voxels * run.charges * 8);
  if (run.scoreLet) zero(w.letSum, voxels * LET_FIELDS.length * 8);
  for (let c = 0; c < chunkCount; c++) {
    if (Atomics.compareExchange(control, CONTROL_CHUNK_OWNER + c, slot + 1, 0) === slot + 1) {
      const histories = control[chunkStartIndex(chunkCount, c + 1)]! - control[chunkStartIndex(chunkCount, c)]!;
      Atomics.sub(control, CONTROL_HISTORIES_DONE, histories);
    }
  }
}

function missingChunks(control: Int32Array, chunkCount: number): number[] {
  const missing: number[] = [];
  for (let c = 0; c < chunkCount; c++) if (Atomics.load(control, CONTROL_CHUNK_OWNER + c) === 0) missing.push(c);
  return missing;
}

/** Splits [0, n) into `parts` nearly equal ranges. */
function split(n: number, parts: number): Array<[number, number]> {
  return Array.from({ length: parts }, (_, k) => [Math.floor((n * k) / parts), Math.floor((n * (k + 1)) / parts)]);
}

export async function runParallel(config: ResolvedConfig, options: ParallelOptions = {}): Promise<RawTallies> {
  const available = await resolveThreads(options.threads);
  const firstHistory = options.firstHistory ?? 0;
  const histories = config.transport.histories - firstHistory;
  const chunkStarts = planChunks(histories, available, options.chunkSize).map((start) => start + firstHistory);
  const chunkCount = chunkStarts.length - 1;
  const memoryLimitBytes = options.memoryLimitBytes ?? (await defaultMemoryLimitBytes());
  // Each thread keeps its own tallies: a default thread count is lowered to what fits; a given one is not.
  const run = prepareRun(config, available, { controlBytes: controlBytes(chunkCount), memoryLimitBytes, fitWorkers: options.threads === undefined });
  const threads = run.plan.workers.length;
  const threadsLimitedByMemory = threads < available
    ? `ran ${threads} of ${available} threads: each keeps its own tallies (${Math.ceil(run.plan.totalBytes / threads / 2 ** 20)} MiB${run.scoreLet ? ' with LET' : ''}) and more would not fit in memory${run.scoreLet ? ' (scoring.let false needs less)' : ''}`
    : undefined;
  const control = controlView(run.memory.buffer, run.plan.control, chunkCount);
  control.set(chunkStarts, chunkStartIndex(chunkCount, 0));
  const variant = config.transport.kernel;
  const init: WorkerInit = {
    module: await compileKernel(variant), memory: run.memory, variant,
    paramsPtr: run.plan.params, controlPtr: run.plan.control, chunkCount,
    slotBlocks: run.plan.workers.map((w) => w.block),
    ...(options.faultInjection ? { fault: options.faultInjection } : {}),
  };

  const start = performance.now();
  const runStartEpochMs = performance.timeOrigin + start;
  const signal = options.signal;
  const abort = () => Atomics.store(control, CONTROL_ABORT, 1);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  const report = () => options.onProgress?.({
    historiesDone: Atomics.load(control, CONTROL_HISTORIES_DONE),
    historiesTotal: histories, elapsedSeconds: (performance.now() - start) / 1000,
  });
  const timer = options.onProgress ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
  let pool: ThreadPool | undefined;
  let failures = 0;
  let reduceStart = 0;
  let end = 0;
  try {
    pool = await createThreadPool(threads, init);
    const activePool = pool;
    /** Runs a transport task for a slot; on failure clears the slot, and returns false. */
    const transport = async (slot: number, chunks?: number[]): Promise<boolean> => {
      try {
        await activePool.run({ kind: 'transport', slot, runStartEpochMs, ...(chunks ? { chunks } : {}) });
        return true;
      } catch (error) {
        if (Atomics.load(control, CONTROL_ABORT)) return true;
        if (++failures > MAX_WORKER_FAILURES) throw new Error(`workers failed ${failures} times; last error: ${(error as Error).message}`);
        clearSlot(run, control, slot, chunkCount);
        return false;
      }
    };
    // Every slot claims chunks until none are left; a failed slot is cleared and claims again.
    await Promise.all(run.plan.workers.map(async (_, slot) => { while (!(await transport(slot))); }));
    // Chunks lost with failed workers are redone, spread over the slots.
    for (let missing = missingChunks(control, chunkCount); missing.length > 0 && !Atomics.load(control, CONTROL_ABORT);
      missing = missingChunks(control, chunkCount)) {
      await Promise.all(run.plan.workers.map((_, slot) => {
        const share = missing.filter((_c, i) => i % threads === slot);
        return share.length > 0 ? transport(slot, share) : Promise.resolve(true);
      }));
    }
    if (Atomics.load(control, CONTROL_ABORT)) throw signal?.reason ?? new Error('the run was aborted');
    report();
    // Reduce: slots 1.. into slot 0, voxel and slab ranges in parallel.
    reduceStart = performance.now();
    if (threads > 1) {
      const voxelRanges = split(run.phantom.nx * run.phantom.ny * run.phantom.nz, threads);
      const slabRanges = split(run.phantom.nz, threads);
      await Promise.all(voxelRanges.map(([voxelFrom, voxelTo], k) => activePool.run({
        kind: 'reduce', voxelFrom, voxelTo, slabFrom: slabRanges[k]![0], slabTo: slabRanges[k]![1],
      })));
    }
    end = performance.now();
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', abort);
    await pool?.destroy();
  }
  const counters = {} as Record<WorkerCounter, bigint>;
  for (const name of Object.keys(WORKER_COUNTERS) as WorkerCounter[]) counters[name] = 0n;
  for (let slot = 0; slot < threads; slot++) {
    const c = readCounters(run, slot);
    for (const name of Object.keys(counters) as WorkerCounter[]) counters[name] += c[name];
  }
  // Slot start times (microseconds after `start`): the transport window opens when the first worker starts.
  const starts = Array.from({ length: threads }, (_, slot) => control[CONTROL_SLOT_START + slot]! / 1000);
  const firstStartMs = Math.min(...starts);
  const wallSeconds = (end - start - firstStartMs) / 1000;
  return {
    ...readTallies(run, 0), counters, phantom: run.phantom, ion: run.ion, materials: run.materials,
    histories, probeZIndex: run.probeZIndex, wallSeconds, kernel: variant, threads,
    poolStartupSeconds: Math.max(...starts) / 1000, reduceSeconds: (end - reduceStart) / 1000, workerFailures: failures,
    ...(threadsLimitedByMemory ? { threadsLimitedByMemory } : {}),
  };
}
