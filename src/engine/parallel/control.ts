/**
 * The control block of a parallel run, in the shared memory next to the
 * tallies (Int32 words):
 *
 *   word 0   next chunk to claim (Atomics.add: dynamic scheduling)
 *   word 1   abort flag (set by the main thread; workers stop between chunks)
 *   word 2   histories in completed chunks (progress; runs are capped at 1e9 histories)
 *   word 3   fault-injection latch (tests: only the first injected fault fires)
 *   words 16 .. 16+MAX_SLOTS        per slot: start time of its first task (microseconds after run start, 0 = not started)
 *   words 16+MAX_SLOTS .. +chunks   per chunk: 0 = not done, slot + 1 = done by that slot
 *   then chunks + 1 words            first history of each chunk, and the end (chunk c is [start c, start c+1))
 */
export const CONTROL_NEXT_CHUNK = 0;
export const CONTROL_ABORT = 1;
export const CONTROL_HISTORIES_DONE = 2;
export const CONTROL_FAULT_LATCH = 3;
export const CONTROL_SLOT_START = 16;
/** Most worker slots a run can have. */
export const MAX_SLOTS = 256;
export const CONTROL_CHUNK_OWNER = CONTROL_SLOT_START + MAX_SLOTS;

/** Index of chunk c's first history in the control block. */
export function chunkStartIndex(chunkCount: number, c: number): number {
  return CONTROL_CHUNK_OWNER + chunkCount + c;
}

export function controlBytes(chunkCount: number): number {
  return chunkStartIndex(chunkCount, chunkCount + 1) * 4;
}

/** Int32 view of the control block at byte offset `at`. */
export function controlView(buffer: ArrayBufferLike, at: number, chunkCount: number): Int32Array {
  return new Int32Array(buffer, at, chunkStartIndex(chunkCount, chunkCount + 1));
}

/** Largest and smallest chunk of the guided schedule (histories). */
const MAX_CHUNK = 4096;
const MIN_CHUNK = 64;

/**
 * First history of every chunk, and the total at the end. With a requested
 * size, equal chunks. Otherwise guided self-scheduling (Polychronopoulos &
 * Kuck, IEEE Trans. Computers 36 (1987) 1425): each chunk is a share of what
 * remains, 1/(4 threads), between 64 and 4096 histories, so chunks are large
 * (cheap, and a kernel call's SIMD lanes rarely run dry) while much work
 * remains, and small at the end, so the threads finish together.
 * Results never depend on the chunking.
 */
export function planChunks(histories: number, threads: number, requested?: number): number[] {
  const starts = [0];
  for (let next = 0; next < histories;) {
    const remaining = histories - next;
    const size = requested !== undefined
      ? Math.max(1, Math.floor(requested))
      : Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(remaining / (4 * threads))));
    next = Math.min(histories, next + size);
    starts.push(next);
  }
  return starts;
}
