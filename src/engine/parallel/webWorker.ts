/** Entry point of a Web Worker (browsers, Deno): instantiates the kernel on the shared memory and serves tasks. */
import type { KernelExports } from '../kernel.js';
import type { WorkerInit, WorkerTask } from './tasks.js';
import { WorkerLoop } from './workerLoop.js';

let loop: WorkerLoop | null = null;

self.onmessage = (event: MessageEvent<{ init?: WorkerInit; task?: WorkerTask }>) => {
  const { init, task } = event.data;
  if (init) {
    const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
    loop = new WorkerLoop(init, instance.exports as unknown as KernelExports, () => {
      // an abrupt end: the pool replaces this worker
      self.postMessage({ ok: false, error: 'worker exited', exited: true });
      self.close();
      throw new Error('worker exited');
    });
    return;
  }
  if (!task || !loop) return;
  try {
    loop.run(task);
    self.postMessage({ ok: true });
  } catch (error) {
    self.postMessage({ ok: false, error: (error as Error).message });
  }
};
