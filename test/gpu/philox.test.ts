import { describe, expect, it } from 'vitest';
import { useGpuDevice } from '../helpers/gpu.js';
import { shaderSource } from '../../src/gpu/shaders.js';
import { smallKernel } from '../helpers/kernel.js';

// WebGPU on the CPU machines runs on Mesa lavapipe (installed by .ci/run), through Dawn (npm `webgpu`).
const gpu = useGpuDevice();

/** Runs shaders/philox.wgsl on (counter, key) pairs; returns the four output words of each. */
async function philoxOnGpu(inputs: Uint32Array<ArrayBuffer>): Promise<Uint32Array> {
  const { device } = gpu();
  const count = inputs.length / 8;
  const code = `${await shaderSource('philox.wgsl')}
struct Item { counter: vec4<u32>, key: vec4<u32> }
@group(0) @binding(0) var<storage, read> items: array<Item>;
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4<u32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&items)) { outputs[id.x] = philox4x32_10(items[id.x].counter, items[id.x].key.xy); }
}`;
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const input = device.createBuffer({ size: inputs.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, inputs);
  const output = device.createBuffer({ size: count * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: count * 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: input } }, { binding: 1, resource: { buffer: output } }],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(count / 64));
  pass.end();
  encoder.copyBufferToBuffer(output, 0, readback, 0, count * 16);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  for (const b of [input, output, readback]) b.destroy();
  return result;
}

describe('Philox4x32-10 in WGSL', () => {
  it('reproduces the Random123 known-answer vectors', async () => {
    // Random123 kat_vectors (Salmon et al., SC'11): counter[4] key[2] -> output[4]
    const inputs = new Uint32Array([
      0, 0, 0, 0, 0, 0, 0, 0,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0,
      0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0, 0,
    ]);
    expect([...await philoxOnGpu(inputs)]).toEqual([
      0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8,
      0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd,
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    ]);
  });

  it('gives the WASM kernel\'s words, bit for bit, on 4096 (counter, key) pairs', async () => {
    const count = 4096;
    const inputs = new Uint32Array(count * 8);
    let state = 0x12345678;
    const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state; };
    for (let i = 0; i < count; i++) for (let j = 0; j < 6; j++) inputs[i * 8 + j] = j === 0 ? i : next();
    const onGpu = await philoxOnGpu(inputs);
    const { kernel, memory } = await smallKernel('scalar');
    const out = new Uint32Array(memory.buffer, 64, 4);
    let mismatches = 0;
    for (let i = 0; i < count; i++) {
      const a = inputs.subarray(i * 8, i * 8 + 6);
      kernel.philox4x32(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, 64);
      for (let j = 0; j < 4; j++) if (out[j] !== onGpu[i * 4 + j]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
