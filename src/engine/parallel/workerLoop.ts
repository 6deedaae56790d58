/**
 * What a transport worker does, independent of the threading API: claim
 * chunks of histories from the shared counter and run them into its slot's
 * tallies; or add other slots' tallies into slot 0. Used by the Node
 * (piscina) and Web Worker entry points.
 */
import type { KernelExports } from '../kernel.js';
import type { WorkerInit, WorkerTask } from './tasks.js';
import {
  CONTROL_ABORT, CONTROL_CHUNK_OWNER, CONTROL_HISTORIES_DONE, CONTROL_FAULT_LATCH, CONTROL_NEXT_CHUNK,
  CONTROL_SLOT_START, chunkStartIndex, controlView,
} from './control.js';

export class WorkerLoop {
  private readonly control: Int32Array;

  constructor(private readonly init: WorkerInit, private readonly kernel: KernelExports,
    private readonly exitThread: () => never) {
    this.control = controlView(init.memory.buffer, init.controlPtr, init.chunkCount);
  }

  run(task: WorkerTask): void {
    if (task.kind === 'reduce') {
      const dst = this.init.slotBlocks[0]!;
      for (const src of this.init.slotBlocks.slice(1)) {
        this.kernel.addTallies(dst, src, task.voxelFrom, task.voxelTo, task.slabFrom, task.slabTo);
      }
      return;
    }
    const { slot } = task;
    const started = Math.max(1, Math.round((performance.timeOrigin + performance.now() - task.runStartEpochMs) * 1000));
    Atomics.compareExchange(this.control, CONTROL_SLOT_START + slot, 0, started);
    const runChunk = (chunk: number) => {
      this.maybeFail(slot, chunk);
      const first = this.control[chunkStartIndex(this.init.chunkCount, chunk)]!;
      const count = this.control[chunkStartIndex(this.init.chunkCount, chunk + 1)]! - first;
      this.kernel.transport(this.init.paramsPtr, this.init.slotBlocks[slot]!, first, count);
      Atomics.store(this.control, CONTROL_CHUNK_OWNER + chunk, slot + 1);
      Atomics.add(this.control, CONTROL_HISTORIES_DONE, count);
    };
    if (task.chunks) {
      for (const chunk of task.chunks) {
        if (Atomics.load(this.control, CONTROL_ABORT)) return;
        runChunk(chunk);
      }
      return;
    }
    while (!Atomics.load(this.control, CONTROL_ABORT)) {
      const chunk = Atomics.add(this.control, CONTROL_NEXT_CHUNK, 1);
      if (chunk >= this.init.chunkCount) return;
      runChunk(chunk);
    }
  }

  /** Fault injection for tests: the worker about to run chunk `atChunk` fails, once per run, leaving partial work in its slot. */
  private maybeFail(slot: number, chunk: number): void {
    const fault = this.init.fault;
    if (!fault || chunk !== fault.atChunk) return;
    if (Atomics.compareExchange(this.control, CONTROL_FAULT_LATCH, 0, 1) !== 0) return;
    // Leave half-done work behind, as a real crash would: run a few histories into the slot first.
    this.kernel.transport(this.init.paramsPtr, this.init.slotBlocks[slot]!, 0, 3);
    if (fault.mode === 'exit') this.exitThread();
    throw new Error(`injected fault in slot ${slot}`);
  }
}
