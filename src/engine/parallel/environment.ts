/** What the host offers: core count and free memory (Node), or navigator.hardwareConcurrency (browsers, Deno). */
import { isNode } from './threadPool.js';
import { WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../regions.js';

const WASM32_BYTES = WASM32_MAX_PAGES * WASM_PAGE_BYTES;
/** Share of the free memory a run may take by default. */
const FREE_MEMORY_FRACTION = 0.5;

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
  return WASM32_BYTES;
}
