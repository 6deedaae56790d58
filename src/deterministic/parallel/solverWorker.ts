/** Entry point of a deterministic-solver worker thread (piscina): one rank of the step loop. */
import { workerData } from 'node:worker_threads';
import type { KernelExports } from '../../engine/kernel.js';
import { CONTROL, CONTROL_BYTES, runSolverLoop, sharedBarrier, type SolverJob } from '../solverLoop.js';

export interface SolverWorkerInit { readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory }
export interface SolverWorkerTask { readonly job: SolverJob; readonly rank: number; readonly size: number }

const init = workerData as SolverWorkerInit;
const kernel = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports as unknown as KernelExports;

export default function solve(task: SolverWorkerTask): void {
  const control = new Int32Array(init.memory.buffer, task.job.plan.control, CONTROL_BYTES / 4);
  const barrier = sharedBarrier(control, task.size);
  try {
    runSolverLoop(kernel, init.memory.buffer, task.job, task.rank, task.size, { barrier });
  } catch (error) {
    // the others would wait at the next barrier for ever: stop them
    Atomics.store(control, CONTROL.stop, 1);
    throw error;
  }
}
