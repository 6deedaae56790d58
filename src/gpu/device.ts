/**
 * Getting a WebGPU device: Dawn through the npm package `webgpu` in Node,
 * navigator.gpu in Deno and browsers. Returns null where there is no adapter.
 *
 * `webgpu` (~130 MB of Dawn binaries) is an optional peer dependency: it is
 * imported here only, dynamically, when a WebGPU backend is asked for.
 */
import { BraggInputError } from '../errors.js';
import { isNode } from '../runtime/environment.js';

/** The one line shown when the WebGPU backend is asked for in Node without Dawn installed. */
export const WEBGPU_PACKAGE_MISSING = "backend webgpu needs the optional package 'webgpu' (Dawn): npm install webgpu";

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
      const dawn = await importDawn();
      Object.assign(globalThis, dawn.globals);
      nodeGpu = dawn.create([]);
    }
    return nodeGpu;
  }
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null;
}

async function importDawn(): Promise<typeof import('webgpu')> {
  try {
    return await import('webgpu');
  } catch (error) {
    // Only the package itself missing; a broken install (e.g. dawn.node failing to load) is reported as it is.
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && /'webgpu'/.test(message ?? '')) throw new BraggInputError(WEBGPU_PACKAGE_MISSING);
    throw error;
  }
}

/**
 * A device with the adapter's storage-buffer limits and, where the adapter has
 * it, 'timestamp-query' (benchmarks time GPU passes with it), or null when there is no adapter.
 * Throws a BraggInputError (WEBGPU_PACKAGE_MISSING) in Node without the package `webgpu`.
 */
export async function requestGpuDevice(): Promise<GpuDevice | null> {
  const gpu = await gpuEntryPoint();
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapterInfo: adapter.info, limits: device.limits };
}
