/** A pool of transport workers sharing one memory: piscina in Node, Web Workers in browsers and Deno. */
import type { WorkerInit, WorkerTask } from './tasks.js';

export interface ThreadPool {
  readonly threads: number;
  /** Runs a task on some worker; rejects if the worker throws or dies (the pool replaces it). */
  run(task: WorkerTask): Promise<void>;
  /** Ends all workers. */
  destroy(): Promise<void>;
}

export type ThreadPoolFactory = (threads: number, init: WorkerInit) => Promise<ThreadPool>;

/** True where this is Node (worker_threads and piscina are available). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && !('Deno' in globalThis);
}

/** The pool of this environment: piscina in Node, Web Workers elsewhere. */
export async function createThreadPool(threads: number, init: WorkerInit): Promise<ThreadPool> {
  if (isNode()) return (await import('./nodePool.js')).createNodePool(threads, init);
  return (await import('./webPool.js')).createWebPool(threads, init);
}
