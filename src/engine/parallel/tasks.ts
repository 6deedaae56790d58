/** Messages between the main thread and the transport workers (Node and Web). */
import type { KernelVariant } from '../kernel.js';

/** Sent once per worker when it starts: handles to the compiled module and the shared memory, and the run's layout. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly variant: KernelVariant;
  readonly paramsPtr: number;
  readonly controlPtr: number;
  /** Chunks of the run; their first histories are in the control block. */
  readonly chunkCount: number;
  /** Worker-block pointer of each slot. */
  readonly slotBlocks: readonly number[];
  /** Tests only: make one worker fail once. */
  readonly fault?: FaultInjection;
}

export interface FaultInjection {
  /** The worker that is about to run this chunk fails instead (once per run). */
  readonly atChunk: number;
  /** 'throw': the task throws; 'exit': the worker thread ends abruptly. */
  readonly mode: 'throw' | 'exit';
}

/** Transport histories into a slot's tallies: claim chunks from the shared counter, or run the listed ones. */
export interface TransportTask {
  readonly kind: 'transport';
  readonly slot: number;
  readonly chunks?: readonly number[];
  /** Wall-clock origin of the run (ms since the epoch), for the start-up measurement. */
  readonly runStartEpochMs: number;
}

/** Add the tallies of slots 1.. into slot 0 over a range of voxels and depth slabs. */
export interface ReduceTask {
  readonly kind: 'reduce';
  readonly voxelFrom: number; readonly voxelTo: number;
  readonly slabFrom: number; readonly slabTo: number;
}

export type WorkerTask = TransportTask | ReduceTask;
