/** The Node thread pool: piscina, one kernel instance per worker thread on the shared memory. */
import type { ThreadPool } from './threadPool.js';
import type { WorkerInit, WorkerTask } from './tasks.js';

/** The compiled worker entry (dist/), also when this file runs from src/ under the test runner. */
function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../../dist/src/engine/parallel/nodeWorker.js', here)
    : new URL('./nodeWorker.js', here);
}

export async function createNodePool(threads: number, init: WorkerInit): Promise<ThreadPool> {
  // imported here, so that bundles for browsers and Deno never load it
  const { Piscina } = await import('piscina');
  const pool = new Piscina<WorkerTask, void>({
    filename: workerFile().href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    workerData: init,
    // one task per thread at a time: a slot task must not queue behind another
    concurrentTasksPerWorker: 1,
  });
  return {
    threads,
    run: (task) => pool.run(task),
    destroy: () => pool.destroy(),
  };
}
