/**
 * The Web Worker pool (browsers and Deno): the same interface as the piscina
 * pool. Each worker gets the compiled module and the shared memory once, in
 * its init message; tasks carry slot and chunk numbers only. A worker that
 * throws is replaced.
 */
import type { ThreadPool } from './threadPool.js';
import type { WorkerInit, WorkerTask } from './tasks.js';

interface Pending { resolve(): void; reject(error: Error): void }
interface Slot { worker: Worker; busy: Pending | null }

export async function createWebPool(threads: number, init: WorkerInit): Promise<ThreadPool> {
  const url = new URL('./webWorker.js', import.meta.url);
  const queue: Array<{ task: WorkerTask; pending: Pending }> = [];
  const slots: Slot[] = [];
  let destroyed = false;

  const spawn = (): Slot => {
    const worker = new Worker(url, { type: 'module' });
    const slot: Slot = { worker, busy: null };
    worker.onmessage = (event: MessageEvent<{ ok: boolean; error?: string; exited?: boolean }>) => {
      const pending = slot.busy;
      slot.busy = null;
      if (event.data.exited) slots.splice(slots.indexOf(slot), 1, spawn());
      if (event.data.ok) pending?.resolve();
      else pending?.reject(new Error(event.data.error ?? 'worker task failed'));
      dispatch();
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      const pending = slot.busy;
      worker.terminate();
      slots.splice(slots.indexOf(slot), 1, spawn());
      pending?.reject(new Error(event.message || 'worker died'));
      dispatch();
    };
    worker.postMessage({ init });
    return slot;
  };
  const dispatch = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0 || destroyed) continue;
      const next = queue.shift()!;
      slot.busy = next.pending;
      slot.worker.postMessage({ task: next.task });
    }
  };
  for (let k = 0; k < threads; k++) slots.push(spawn());
  return {
    threads,
    run: (task) => new Promise<void>((resolve, reject) => {
      queue.push({ task, pending: { resolve, reject } });
      dispatch();
    }),
    destroy: async () => {
      destroyed = true;
      for (const slot of slots) slot.worker.terminate();
      for (const { pending } of queue.splice(0)) pending.reject(new Error('pool destroyed'));
    },
  };
}
