/**
 * Entry point of a piscina worker thread: instantiates the kernel once on the
 * run's shared memory (handed over in workerData with the compiled module),
 * then serves transport and reduce tasks.
 */
import { workerData } from 'node:worker_threads';
import type { KernelExports } from '../kernel.js';
import type { WorkerInit, WorkerTask } from './tasks.js';
import { WorkerLoop } from './workerLoop.js';

const init = workerData as WorkerInit;
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
const loop = new WorkerLoop(init, instance.exports as unknown as KernelExports, () => process.exit(1));

export default function serve(task: WorkerTask): void {
  loop.run(task);
}
