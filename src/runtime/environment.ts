/**
 * What the host offers. Node: worker_threads (piscina), os; Deno and browsers:
 * Web Workers and navigator. Node-only modules are imported dynamically, so
 * the library loads in browsers and Deno unchanged.
 */
import { WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../engine/regions.js';
import { BraggInputError } from '../errors.js';

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

/**
 * Reads a file that ships with the package, from the first of `candidates`
 * that exists (its place relative to the calling module differs between the
 * sources, dist/src and the browser bundle): from disk in Node, by fetch
 * elsewhere (http in browsers, file: in Deno). Null when none exists.
 * Deno without read permission for them: a BraggInputError naming `what`
 * (e.g. 'the kernel') and the permission, rather than "not found".
 */
export async function readPackageFile(candidates: readonly URL[], what: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const denied: string[] = [];
  for (const url of candidates) {
    try {
      const bytes = await readFileAt(url);
      if (bytes) return bytes;
    } catch (error) {
      if (!isReadPermissionError(error)) throw error;
      denied.push(url.protocol === 'file:' ? decodeURIComponent(url.pathname) : url.href);
    }
  }
  if (denied.length > 0) {
    throw new BraggInputError(`Deno needs --allow-read to load ${what} ${denied.join(' or ')} (run with --allow-read)`);
  }
  return null;
}

/** The bytes at `url`, null where there are none; throws only when Deno refuses the read. */
async function readFileAt(url: URL): Promise<Uint8Array<ArrayBuffer> | null> {
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
  } catch (error) {
    if (isReadPermissionError(error)) throw error;
    return null;
  }
}

/**
 * Deno's refusal of a read without --allow-read: Deno.errors.NotCapable
 * (Deno 2), PermissionDenied (Deno 1), "Requires read access to ..., run
 * again with the --allow-read flag".
 */
function isReadPermissionError(error: unknown): boolean {
  if (!('Deno' in globalThis) || !(error instanceof Error)) return false;
  return error.name === 'NotCapable' || error.name === 'PermissionDenied' || /--allow-read/.test(error.message);
}
