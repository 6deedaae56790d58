/**
 * Loading the transport kernels. The module is compiled once per variant and
 * cached; instances are made on a caller-provided shared memory (the kernel
 * imports `env.memory`), so one compiled module can serve many instances.
 *
 * We use asc's raw exports rather than @assemblyscript/loader: the kernel takes
 * and returns only numbers and pointers into memory that TypeScript laid out,
 * so the loader's string/array marshalling has nothing to do, and the
 * loader is deprecated since AssemblyScript 0.20.
 */
import { readPackageFile } from '../runtime/environment.js';

export type KernelVariant = 'simd' | 'scalar';
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['simd', 'scalar'];

export interface KernelExports {
  transport(params: number, worker: number, firstHistory: number, count: number): void;
  transportReference(params: number, worker: number, firstHistory: number, count: number): void;
  addTallies(dstWorker: number, srcWorker: number, voxelFrom: number, voxelTo: number, slabFrom: number, slabTo: number): void;
  philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: number): void;
  mathLog(x: number): number;
  mathSinHalfPi(x: number): number;
  mathNormal(u: number): number;
  mathLanes(which: number, values: number): void;
  philoxLanes(counters: number, k0: number, k1: number, out: number): void;
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * build/ sits at the package root: two levels above src/engine and above the
 * browser bundle in dist/browser, three above dist/src/engine.
 */
async function wasmBytes(name: string): Promise<Uint8Array<ArrayBuffer>> {
  for (const up of ['../../build/', '../../../build/']) {
    const bytes = await readPackageFile(new URL(up + name, import.meta.url));
    if (bytes) return bytes;
  }
  throw new Error(`kernel ${name} not found: run 'npm run build' first`);
}

/**
 * The compiled kernel module of a variant (compiled once per process). The
 * shared build imports a shared memory, for worker threads; the local build
 * an ordinary one, for pages that may not share memory.
 */
export function compileKernel(variant: KernelVariant, shared = true): Promise<WebAssembly.Module> {
  const name = `kernel.${variant}${shared ? '' : '.local'}.wasm`;
  let module = compiled.get(name);
  if (!module) {
    module = wasmBytes(name).then((bytes) => WebAssembly.compile(bytes));
    compiled.set(name, module);
  }
  return module;
}

/** Creates a memory of exactly `pages` pages (initial = maximum, so views never go stale). */
export function createSharedMemory(pages: number, shared = true): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
}

export async function instantiateKernel(variant: KernelVariant, memory: WebAssembly.Memory, shared = true): Promise<KernelExports> {
  const module = await compileKernel(variant, shared);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
