import { instantiateKernel, createSharedMemory, type KernelVariant, type KernelExports } from '../../src/engine/kernel.js';

/** A kernel instance on a fresh shared memory of `pages` pages (64 KiB each; default one), for unit tests of its exports. */
export async function smallKernel(variant: KernelVariant, pages = 1): Promise<{ kernel: KernelExports; memory: WebAssembly.Memory }> {
  const memory = createSharedMemory(pages);
  return { kernel: await instantiateKernel(variant, memory), memory };
}
