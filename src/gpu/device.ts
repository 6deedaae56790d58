/**
 * Getting a WebGPU device: Dawn through the npm package `webgpu` in Node,
 * navigator.gpu in Deno and browsers. Returns null where there is no adapter.
 */
import { isNode } from '../runtime/environment.js';

/** Dawn's GPU object must outlive every device made from it (dropping it has crashed dawn.node). */
let nodeGpu: GPU | null = null;

export interface GpuDevice {
  readonly device: GPUDevice;
  readonly adapterInfo: GPUAdapterInfo;
  readonly limits: GPUSupportedLimits;
}

async function gpuEntryPoint(): Promise<GPU | null> {
  if (isNode()) {
    if (!nodeGpu) {
      const dawn = await import('webgpu');
      Object.assign(globalThis, dawn.globals);
      nodeGpu = dawn.create([]);
    }
    return nodeGpu;
  }
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null;
}

/** A device with the adapter's storage-buffer limits, or null when there is no adapter. */
export async function requestGpuDevice(): Promise<GpuDevice | null> {
  const gpu = await gpuEntryPoint();
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapterInfo: adapter.info, limits: device.limits };
}
