/**
 * What the host offers. Node: worker_threads (piscina), os; Deno and browsers:
 * Web Workers and navigator. Node-only modules are imported dynamically, so
 * the library loads in browsers and Deno unchanged.
 */
import { WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../engine/regions.js';

const WASM32_BYTES = WASM32_MAX_PAGES * WASM_PAGE_BYTES;
/** Share of the free memory a run may take by default. */
const FREE_MEMORY_FRACTION = 0.5;
/** Default limit where free memory cannot be read (browsers, Deno): 1 GiB. */
const DEFAULT_WEB_LIMIT_BYTES = 2 ** 30;

/** True in Node (not in Deno, which also defines `process`). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && !('Deno' in globalThis);
}

/**
 * Whether workers can share memory here. Browsers allow SharedArrayBuffer
 * (and shared WebAssembly memory) only on cross-origin isolated pages
 * (COOP: same-origin, COEP: require-corp); Node and Deno always do.
 */
export function sharedMemoryAvailable(): boolean {
  if (isNode() || 'Deno' in globalThis) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof Worker !== 'undefined';
}

export async function defaultThreadCount(): Promise<number> {
  if (isNode()) {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism());
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, cores ?? 1);
}

export async function defaultMemoryLimitBytes(): Promise<number> {
  if (isNode()) {
    const os = await import('node:os');
    return Math.min(WASM32_BYTES, Math.floor(os.freemem() * FREE_MEMORY_FRACTION));
  }
  return DEFAULT_WEB_LIMIT_BYTES;
}

/** Lets the event loop run (timers, progress bars) between batches of work on the calling thread. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Reads a file that ships with the package: from disk in Node, by fetch elsewhere (http in browsers, file: in Deno). */
export async function readPackageFile(url: URL): Promise<Uint8Array<ArrayBuffer> | null> {
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    try {
      const bytes = await readFile(url);
      return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      return null;
    }
  }
  try {
    const response = await fetch(url);
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}
