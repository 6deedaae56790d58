/**
 * The control block of a parallel run, in the shared memory next to the
 * tallies (Int32 words):
 *
 *   word 0   next chunk to claim (Atomics.add: dynamic scheduling)
 *   word 1   abort flag (set by the main thread; workers stop between chunks)
 *   word 2   chunks completed (progress)
 *   word 3   fault-injection latch (tests: only the first injected fault fires)
 *   words 16 .. 16+MAX_SLOTS        per slot: start time of its first task (microseconds after run start, 0 = not started)
 *   words 16+MAX_SLOTS .. +chunks   per chunk: 0 = not done, slot + 1 = done by that slot
 */
export const CONTROL_NEXT_CHUNK = 0;
export const CONTROL_ABORT = 1;
export const CONTROL_CHUNKS_DONE = 2;
export const CONTROL_FAULT_LATCH = 3;
export const CONTROL_SLOT_START = 16;
/** Most worker slots a run can have. */
export const MAX_SLOTS = 256;
export const CONTROL_CHUNK_OWNER = CONTROL_SLOT_START + MAX_SLOTS;

export function controlBytes(chunkCount: number): number {
  return (CONTROL_CHUNK_OWNER + chunkCount) * 4;
}

/** Int32 view of the control block at byte offset `at`. */
export function controlView(buffer: ArrayBufferLike, at: number, chunkCount: number): Int32Array {
  return new Int32Array(buffer, at, CONTROL_CHUNK_OWNER + chunkCount);
}

/** Histories per chunk: small enough to balance load and report progress, large enough to keep calls cheap. */
export function chooseChunkSize(histories: number, threads: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  const perThread = histories / Math.max(1, threads);
  // about 200 chunks per thread (the last chunks of a run are short, so threads finish together),
  // between 64 and 4096 histories; never more than 2^24 chunks
  const size = Math.min(4096, Math.max(64, Math.floor(perThread / 200)));
  return Math.max(size, Math.ceil(histories / 2 ** 24));
}
