import { instantiateKernel, createSharedMemory, type KernelVariant, type KernelExports } from '../../src/engine/kernel.js';

/** A kernel instance on a fresh one-page shared memory, for unit tests of its exported helpers. */
export async function smallKernel(variant: KernelVariant): Promise<{ kernel: KernelExports; memory: WebAssembly.Memory }> {
  const memory = createSharedMemory(1);
  return { kernel: await instantiateKernel(variant, memory), memory };
}
