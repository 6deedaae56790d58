/**
 * The deterministic solver on a pool of Node worker threads (piscina): every
 * worker instantiates the compiled kernel on the run's shared memory and runs
 * the step loop as one rank, meeting the others at a barrier in shared memory
 * after each operator. The main thread only waits; an abort sets the loop's
 * stop flag, which every rank reads at the start of a step.
 */
import type { SolverJob } from '../solverLoop.js';
import { CONTROL } from '../solverLoop.js';
import type { SolverWorkerInit, SolverWorkerTask } from './solverWorker.js';

/** The compiled worker entry (dist/), also when this file runs from src/ under the test runner. */
function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../../dist/src/deterministic/parallel/solverWorker.js', here) : new URL('./solverWorker.js', here);
}

export async function runSolverPool(module: WebAssembly.Module, memory: WebAssembly.Memory, job: SolverJob, threads: number,
  control: Int32Array, signal?: AbortSignal): Promise<void> {
  const { Piscina } = await import('piscina');
  const workerData: SolverWorkerInit = { module, memory };
  const pool = new Piscina<SolverWorkerTask, void>({
    filename: workerFile().href, minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 1, workerData,
  });
  const stop = () => Atomics.store(control, CONTROL.stop, 1);
  signal?.addEventListener('abort', stop);
  if (signal?.aborted) stop();
  try {
    // every rank must run at once (they meet at barriers): one task per thread
    await Promise.all(Array.from({ length: threads }, (_, rank) => pool.run({ job, rank, size: threads })));
  } catch (error) {
    stop();
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    await pool.destroy();
  }
}
