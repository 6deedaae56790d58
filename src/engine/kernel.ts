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
import { readFile, access } from 'node:fs/promises';

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

const compiled = new Map<KernelVariant, Promise<WebAssembly.Module>>();

/** build/ sits at the package root: two levels above src/engine, three above dist/src/engine. */
async function wasmBytes(variant: KernelVariant): Promise<Uint8Array<ArrayBuffer>> {
  const name = `kernel.${variant}.wasm`;
  for (const up of ['../../build/', '../../../build/']) {
    const url = new URL(up + name, import.meta.url);
    try {
      await access(url);
      const bytes = await readFile(url);
      return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`kernel ${name} not found: run 'npm run build' first`);
}

/** The compiled kernel module of a variant (compiled once per process). */
export function compileKernel(variant: KernelVariant): Promise<WebAssembly.Module> {
  let module = compiled.get(variant);
  if (!module) {
    module = wasmBytes(variant).then((bytes) => WebAssembly.compile(bytes));
    compiled.set(variant, module);
  }
  return module;
}

/** Creates a shared memory of exactly `pages` pages (initial = maximum, so views never go stale). */
export function createSharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

export async function instantiateKernel(variant: KernelVariant, memory: WebAssembly.Memory): Promise<KernelExports> {
  const module = await compileKernel(variant);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
