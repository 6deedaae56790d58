/** A pool of transport workers sharing one memory: piscina in Node, Web Workers in browsers and Deno. */
import type { WorkerInit, WorkerTask } from './tasks.js';
import { isNode } from '../../runtime/environment.js';

export interface ThreadPool {
  readonly threads: number;
  /** Runs a task on some worker; rejects if the worker throws or dies (the pool replaces it). */
  run(task: WorkerTask): Promise<void>;
  /** Ends all workers. */
  destroy(): Promise<void>;
}

export type ThreadPoolFactory = (threads: number, init: WorkerInit) => Promise<ThreadPool>;


/** The pool of this environment: piscina in Node, Web Workers elsewhere. */
export async function createThreadPool(threads: number, init: WorkerInit): Promise<ThreadPool> {
  if (isNode()) return (await import('./nodePool.js')).createNodePool(threads, init);
  return (await import('./webPool.js')).createWebPool(threads, init);
}
