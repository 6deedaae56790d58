/**
 * The WebGPU Monte Carlo engine: shaders/transport.wgsl, one history per
 * invocation, persistent invocations taking histories from an atomic counter.
 * The run is split into batches (at least 40, so the batch-method uncertainty
 * is itself good to about 11 %; each one dispatch, kept short so
 * browsers do not reset the GPU). Batches alternate between two sets of tally
 * buffers: while the GPU runs batch b+1, the host reads batch b's tallies back
 * (copied to a staging buffer by the batch's own command buffer) and adds them
 * to the totals and to the sums of squares of the batch method. The parameter
 * block and material tables are the WASM kernel's, byte for byte
 * (src/engine/layout.ts).
 */
import type { ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { prepareRun, type RawTallies, type RunOptions } from '../engine/monteCarlo.js';
import { ENERGY_UNITS_PER_MEV, LENGTH_UNITS_PER_MM, WORKER_COUNTERS, LET_FIELDS, type WorkerCounter } from '../engine/layout.js';
import { requestGpuDevice, type GpuDevice } from './device.js';
import { shaderSource } from './shaders.js';
import { wgslPreamble, GPU_COUNTER_PAIRS, GPU_COUNTER_WORDS, GPU_COUNTER_BYTES } from './wgslPreamble.js';

const WORKGROUP_SIZE = 64;
/** At most 4 KiB of workgroup memory for the slab counts: more would cost occupancy. */
const MAX_GROUP_SLABS = 1024;
/**
 * Workgroups per dispatch (persistent threads): 4096 x 64 = 262,144
 * invocations, about the resident threads of an H100/H200 (132 SMs x 2048),
 * so every SM stays full while histories remain.
 */
const MAX_WORKGROUPS = 4096;
/** Copies of the LET sums at most (transport.wgsl: LET_COPIES; bench/results/README.md), and their bytes at most per slot. */
const MAX_LET_COPIES = 8;
const MAX_LET_COPIES_BYTES = 512 * 2 ** 20;
/**
 * Batches are sized by time: each dispatch (and its read-back) should take
 * about TARGET_BATCH_MS, far below the few seconds after which browsers and
 * drivers reset a GPU that seems stalled. The first batch is small; later ones
 * scale with the measured time. Every run has at least MIN_BATCHES batches
 * (batch-method uncertainty). Batch boundaries therefore depend on timing:
 * the dose does not (integer sums of per-history streams), the uncertainty
 * estimate does, slightly.
 */
const TARGET_BATCH_MS = 150;
const FIRST_BATCH_HISTORIES = 4096;
const MAX_BATCH_HISTORIES = 1 << 22;
const MIN_BATCHES = 40;

function storage(device: GPUDevice, data: ArrayBufferView<ArrayBuffer>, extraUsage = 0): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage });
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/**
 * The lateral probe's sums, shifted from the grid's corner (where the shader
 * keeps them non-negative) to the phantom's coordinates, in the WASM kernel's
 * units: sum x = sum x' + n x0, sum x^2 = sum x'^2 + 2 x0 sum x' + n x0^2.
 */
function probeCounters(count: bigint, sumUnits: bigint, sumSqUnits: bigint, originMm: number, axis: 'X' | 'Y' = 'X') {
  const n = Number(count);
  const sum = Number(sumUnits) / LENGTH_UNITS_PER_MM;
  const sumSq = Number(sumSqUnits) / LENGTH_UNITS_PER_MM;
  const units = (v: number) => BigInt(Math.round(v * LENGTH_UNITS_PER_MM));
  return {
    probeCount: count,
    [`probeSum${axis}`]: units(sum + n * originMm),
    [`probeSum${axis}Sq`]: units(sumSq + 2 * originMm * sum + n * originMm * originMm),
  };
}

/**
 * Variance of a sum S1 over N histories run in K batches of n_k histories,
 * from Q = sum_k b_k^2 / n_k (b_k: a batch's value): with the per-history
 * variance s^2 = sum_k (b_k - n_k S1/N)^2 / n_k / (K - 1) = (Q - S1^2/N) / (K - 1),
 * Var(S1) = N s^2. For equal batches this is K/(K-1) (sum b_k^2 - S1^2/K).
 */
function batchVariance(sumUnits: BigInt64Array, q: Float64Array, histories: number, batches: number): Float64Array {
  return Float64Array.from(q, (qi, i) => {
    if (qi === 0 || batches < 2) return 0;
    const s1 = Number(sumUnits[i]!) / ENERGY_UNITS_PER_MEV;
    return Math.max((histories / (batches - 1)) * (qi - (s1 * s1) / histories), 0);
  });
}

export interface WebGpuOptions extends RunOptions {
  /** A device to use (default: request one). */
  readonly gpu?: GpuDevice;
  /** Tests only: destroy the device (as a lost GPU would be) after this many batches. */
  readonly loseDeviceAfterBatches?: number;
  /**
   * Benchmarks only (bench/run.ts, to find what bounds the kernel): fewer
   * persistent workgroups, or no voxel tallies at all (the dose is then empty);
   * tests: fewer slabs counted in workgroup memory (transport.wgsl: enterSlab).
   */
  readonly tuning?: { readonly maxWorkgroups?: number; readonly scoreDeposits?: boolean; readonly letCopies?: number; readonly groupSlabs?: number };
}

export async function runWebGpu(config: ResolvedConfig, options: WebGpuOptions = {}): Promise<RawTallies> {
  const gpu = options.gpu ?? (await requestGpuDevice());
  if (!gpu) throw new BraggInputError('no WebGPU adapter found: use the wasm backend');
  const { device } = gpu;
  // The host's tallies are prepared without LET: the WGSL kernel's LET sums are read back below.
  const run = prepareRun({ ...config, scoring: { ...config.scoring, let: false, doseByCharge: false } }, 1, { shared: false, checkLetBound: config.scoring.let, tableSpecies: options.tableSpecies });
  const { phantom } = run;
  const voxels = phantom.nx * phantom.ny * phantom.nz;
  // With scoring.doseByCharge the voxel buffer holds the dose, then one block per charge Z = 1 ... the highest species' (transport.wgsl: CHARGES).
  const charges = config.scoring.doseByCharge ? run.maxChargeNumber : 0;
  // The device was created with the adapter's own limits (requiredLimits); a grid beyond them is refused, not split (yet).
  const largest = 8 * voxels * (1 + charges);
  const bindingLimit = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
  if (largest > bindingLimit) {
    throw new BraggInputError(`the dose grid (${voxels} voxels) needs a ${Math.ceil(largest / 2 ** 20)} MiB storage buffer, more than this GPU allows (${Math.floor(gpu.limits.maxStorageBufferBindingSize / 2 ** 20)} MiB): use the wasm backend`);
  }
  // LET (scoring.let): LET_FIELDS 64-bit sums per voxel in one buffer per slot. Where that buffer is
  // beyond the GPU's binding limit the run goes on without LET (result.let null, with a warning: letOmitted).
  const letBytes = 8 * LET_FIELDS.length * voxels;
  const letOmitted = config.scoring.let && letBytes > bindingLimit
    ? `LET not scored on WebGPU: its sums need a ${Math.ceil(letBytes / 2 ** 20)} MiB storage buffer, more than this GPU allows `
      + `(${Math.floor(bindingLimit / 2 ** 20)} MiB); use a coarser grid or the wasm backend for LET`
    : undefined;
  const scoreLet = config.scoring.let && letOmitted === undefined;
  // Copies of the LET sums that workgroups take in turn (transport.wgsl: LET_COPIES), as many as
  // fit in one binding and in 512 MiB, at most MAX_LET_COPIES; added up on the GPU at the end (letCopies.wgsl).
  const letCopies = scoreLet
    ? Math.max(1, Math.min(options.tuning?.letCopies ?? MAX_LET_COPIES, Math.floor(Math.min(bindingLimit, MAX_LET_COPIES_BYTES) / letBytes)))
    : 1;
  const memory = run.memory.buffer;
  const shared = {
    params: storage(device, new Uint8Array(memory.slice(run.plan.params, run.plan.params + run.plan.paramsBytes))),
    materialIndex: storage(device, Uint32Array.from(phantom.materialIndex)),
    density: storage(device, new Float32Array(phantom.densityGPerCm3)),
    tables: storage(device, new Uint8Array(memory.slice(run.plan.tables, run.plan.tables + run.plan.tablesBytes))),
  };
  /** Two sets of batch buffers: the GPU runs one batch while the host adds up the one before. */
  const slots = [0, 1].map(() => ({
    voxelEnergy: storage(device, new Uint32Array(2 * voxels * (1 + charges)), GPUBufferUsage.COPY_SRC),
    // the run counters, then one word per depth slab: primaries entering it (transport.wgsl: enterSlab)
    counters: storage(device, new Uint32Array(GPU_COUNTER_BYTES / 4 + phantom.nz), GPUBufferUsage.COPY_SRC),
    control: storage(device, new Uint32Array(4)),
    voxelStaging: device.createBuffer({ size: largest, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    counterStaging: device.createBuffer({ size: GPU_COUNTER_BYTES + 4 * phantom.nz, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    letSums: scoreLet ? storage(device, new Uint32Array(2 * LET_FIELDS.length * voxels * letCopies), GPUBufferUsage.COPY_SRC) : storage(device, new Uint32Array(4)),
    letStaging: scoreLet ? device.createBuffer({ size: letBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null,
    bindGroup: undefined as GPUBindGroup | undefined,
    letCopiesBindGroup: undefined as GPUBindGroup | undefined,
  }));
  const allBuffers = [...Object.values(shared), ...slots.flatMap((slot) => [slot.voxelEnergy, slot.counters, slot.control, slot.voxelStaging, slot.counterStaging, slot.letSums, ...(slot.letStaging ? [slot.letStaging] : [])])];
  // Slabs whose primary counts a workgroup keeps in its own memory (transport.wgsl: enterSlab): as many
  // as the phantom has, up to MAX_GROUP_SLABS and what the device's workgroup memory holds beside the counters.
  const groupSlabs = Math.max(1, Math.min(phantom.nz, options.tuning?.groupSlabs ?? MAX_GROUP_SLABS, Math.floor((gpu.limits.maxComputeWorkgroupStorageSize - GPU_COUNTER_BYTES) / 4)));
  const code = wgslPreamble(WORKGROUP_SIZE) + (await shaderSource('philox.wgsl')) + (await shaderSource('transport.wgsl'));
  let lost: string | null = null;
  let pipeline: GPUComputePipeline | undefined;
  let letCopiesPipeline: GPUComputePipeline | undefined;
  const letPairs = LET_FIELDS.length * voxels;
  const letGroups = Math.ceil(letPairs / 256);
  const letGroupsX = Math.min(letGroups, 65535);
  try {
    device.pushErrorScope('validation');
    pipeline = await device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main', constants: { SCORE_DEPOSITS: options.tuning?.scoreDeposits === false ? 0 : 1, SCORE_LET: scoreLet ? 1 : 0, NUCLEAR: config.transport.nuclear ? 1 : 0, LET_COPIES: letCopies, CHARGES: charges, GROUP_SLABS: groupSlabs } },
    });
    if (letCopies > 1) {
      letCopiesPipeline = await device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code: await shaderSource('letCopies.wgsl') }), entryPoint: 'main', constants: { COPIES: letCopies, PAIRS: letPairs, GROUPS_X: letGroupsX } },
      });
    }
    const error = await device.popErrorScope();
    if (error) throw new Error(error.message);
    for (const slot of slots) {
      const bound = [shared.params, shared.materialIndex, shared.density, shared.tables, slot.voxelEnergy, slot.counters, slot.control, slot.letSums];
      slot.bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bound.map((buffer, binding) => ({ binding, resource: { buffer } })) });
      if (letCopiesPipeline) slot.letCopiesBindGroup = device.createBindGroup({ layout: letCopiesPipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: slot.letSums } }] });
    }
  } catch (error) {
    lost = `transport shader failed: ${(error as Error).message}`; // the caller runs everything elsewhere
  }

  /**
   * Submits one batch on a slot: clear its dose and counters, run, copy them to the slot's staging
   * buffers. The LET sums are not cleared: they add up over the run on the GPU (they need no
   * per-batch variance) and are read back once at the end (readLet).
   */
  const submitBatch = (slot: (typeof slots)[number], first: number, count: number) => {
    device.queue.writeBuffer(slot.control, 0, new Uint32Array([0, count, first % 2 ** 32, Math.floor(first / 2 ** 32)]));
    const encoder = device.createCommandEncoder();
    encoder.clearBuffer(slot.voxelEnergy);
    encoder.clearBuffer(slot.counters);
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline!);
    pass.setBindGroup(0, slot.bindGroup!);
    pass.dispatchWorkgroups(Math.min(options.tuning?.maxWorkgroups ?? MAX_WORKGROUPS, Math.ceil(count / WORKGROUP_SIZE)));
    pass.end();
    encoder.copyBufferToBuffer(slot.voxelEnergy, 0, slot.voxelStaging, 0, largest);
    encoder.copyBufferToBuffer(slot.counters, 0, slot.counterStaging, 0, GPU_COUNTER_BYTES + 4 * phantom.nz);
    device.queue.submit([encoder.finish()]);
    return Promise.all([slot.voxelStaging.mapAsync(GPUMapMode.READ), slot.counterStaging.mapAsync(GPUMapMode.READ)]);
  };
  /** After the last batch: each slot's LET sums, copied to its staging buffer and added (once per run). */
  const readLet = async () => {
    for (const slot of slots) {
      if (!slot.letStaging) continue;
      const encoder = device.createCommandEncoder();
      if (slot.letCopiesBindGroup) {
        const pass = encoder.beginComputePass();
        pass.setPipeline(letCopiesPipeline!);
        pass.setBindGroup(0, slot.letCopiesBindGroup);
        pass.dispatchWorkgroups(letGroupsX, Math.ceil(letGroups / letGroupsX));
        pass.end();
      }
      encoder.copyBufferToBuffer(slot.letSums, 0, slot.letStaging, 0, letBytes);
      device.queue.submit([encoder.finish()]);
      await slot.letStaging.mapAsync(GPUMapMode.READ);
      addLetBatch(new Uint32Array(slot.letStaging.getMappedRange()));
      slot.letStaging.unmap();
    }
  };

  const histories = config.transport.histories;
  // Per-voxel sums of the batches' low and high words, exact in doubles (each below 2^32 per batch);
  // combined into 64-bit integers once at the end.
  const lowWordSum = new Float64Array(voxels * (1 + charges));
  const highWordSum = new Float64Array(voxels * (1 + charges));
  const voxelSumSq = new Float64Array(voxels);
  const slabSumSq = new Float64Array(phantom.nz);
  // LET: per-field sums of the two slots' low and high words, as for the dose.
  const letLow = scoreLet ? new Float64Array(LET_FIELDS.length * voxels) : null;
  const letHigh = scoreLet ? new Float64Array(LET_FIELDS.length * voxels) : null;
  const addLetBatch = (words: Uint32Array) => {
    for (let k = 0; k < letLow!.length; k++) {
      const lo = words[2 * k]!, hi = words[2 * k + 1]!;
      if (lo === 0 && hi === 0) continue;
      letLow![k] = letLow![k]! + lo;
      letHigh![k] = letHigh![k]! + hi;
    }
  };
  const totals = new Array<bigint>(GPU_COUNTER_PAIRS.length + GPU_COUNTER_WORDS.length).fill(0n);
  const start = performance.now();
  void device.lost.then((info) => { lost = info.message || info.reason || 'device lost'; });
  let completed = 0;
  let completedBatches = 0;
  const nxy = phantom.nx * phantom.ny;
  const slabBatch = new Float64Array(phantom.nz);
  /** Adds a batch of `count` histories: voxel words to the sums, squares to Q (batchVariance), per voxel and per depth slab. */
  const addBatch = (words: Uint32Array, count: number) => {
    slabBatch.fill(0);
    for (let i = 0; i < voxels; i++) {
      const lo = words[2 * i]!, hi = words[2 * i + 1]!;
      if (lo === 0 && hi === 0) continue;
      lowWordSum[i] = lowWordSum[i]! + lo;
      highWordSum[i] = highWordSum[i]! + hi;
      const mev = (hi * 2 ** 32 + lo) / ENERGY_UNITS_PER_MEV;
      voxelSumSq[i] = voxelSumSq[i]! + (mev * mev) / count;
      const iz = Math.floor(i / nxy);
      slabBatch[iz] = slabBatch[iz]! + mev;
    }
    slabBatch.forEach((mev, iz) => { slabSumSq[iz] = slabSumSq[iz]! + (mev * mev) / count; });
    // the charge blocks (scoring.doseByCharge): plain sums
    for (let i = voxels; i < voxels * (1 + charges); i++) {
      const lo = words[2 * i]!, hi = words[2 * i + 1]!;
      if (lo === 0 && hi === 0) continue;
      lowWordSum[i] = lowWordSum[i]! + lo;
      highWordSum[i] = highWordSum[i]! + hi;
    }
  };
  const wide = (words: Uint32Array, k: number) => (BigInt(words[2 * k + 1]!) << 32n) | BigInt(words[2 * k]!);
  const slabPrimaries = new BigInt64Array(phantom.nz);
  const addCounters = (counterWords: Uint32Array) => {
    for (let iz = 0; iz < phantom.nz; iz++) slabPrimaries[iz] = slabPrimaries[iz]! + BigInt(counterWords[GPU_COUNTER_BYTES / 4 + iz]!);
    GPU_COUNTER_PAIRS.forEach((_, k) => { totals[k] = totals[k]! + wide(counterWords, k); });
    GPU_COUNTER_WORDS.forEach((_, k) => { totals[GPU_COUNTER_PAIRS.length + k] = totals[GPU_COUNTER_PAIRS.length + k]! + BigInt(counterWords[2 * GPU_COUNTER_PAIRS.length + k]!); });
  };

  interface Batch { readonly slot: (typeof slots)[number]; readonly first: number; readonly count: number; readonly submittedMs: number; readonly done: Promise<unknown> }
  let size = Math.min(FIRST_BATCH_HISTORIES, Math.ceil(histories / MIN_BATCHES));
  let submitted = 0;
  let batchIndex = 0;
  let lastDoneMs = start;
  /** The next batch's size: at least MIN_BATCHES batches, so never more than an equal share of what remains of them. */
  const submitNext = (): Batch | null => {
    const remaining = histories - submitted;
    if (remaining <= 0 || lost !== null) return null;
    const b = batchIndex++;
    const count = Math.min(size, remaining, b < MIN_BATCHES ? Math.ceil(remaining / (MIN_BATCHES - b)) : remaining);
    const slot = slots[b % 2]!;
    const batch = { slot, first: submitted, count, submittedMs: performance.now(), done: submitBatch(slot, submitted, count) };
    batch.done.catch(() => undefined); // awaited in order below; a rejection there ends the GPU run
    submitted += count;
    return batch;
  };
  let current = lost === null ? submitNext() : null;
  while (current !== null) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('the run was aborted');
    if (completedBatches === options.loseDeviceAfterBatches) device.destroy();
    const next = submitNext();
    // A batch's tallies count only once it has been read back whole; a lost device or a failed
    // shader ends the GPU run here, and the caller finishes [completed, histories) elsewhere.
    try {
      await current.done;
    } catch (error) {
      lost ??= (error as Error).message;
    }
    if (lost !== null) break;
    const doneMs = performance.now();
    const elapsedMs = Math.max(doneMs - Math.max(lastDoneMs, current.submittedMs), 1);
    lastDoneMs = doneMs;
    size = Math.min(MAX_BATCH_HISTORIES, Math.max(256, Math.round((current.count * TARGET_BATCH_MS) / elapsedMs)));
    const { slot } = current;
    addBatch(new Uint32Array(slot.voxelStaging.getMappedRange()), current.count);
    addCounters(new Uint32Array(slot.counterStaging.getMappedRange()));
    slot.voxelStaging.unmap();
    slot.counterStaging.unmap();
    completedBatches++;
    completed = current.first + current.count;
    options.onProgress?.({ historiesDone: completed, historiesTotal: histories, elapsedSeconds: (performance.now() - start) / 1000 });
    current = next;
  }
  // A GPU that stopped cannot hand back its LET sums: the run's LET is then left out, with a warning.
  let letLost: string | undefined;
  const letReadFailure = scoreLet && lost === null ? await readLet().then(() => null, (error: Error) => error.message) : null;
  const letStopped = lost ?? letReadFailure;
  if (scoreLet && letStopped !== null) letLost = `LET not scored: the GPU stopped (${letStopped}) before its LET sums were read back`;
  const energySum = new BigInt64Array(voxels);
  const slabSum = new BigInt64Array(phantom.nz);
  for (let i = 0; i < voxels; i++) {
    if (lowWordSum[i] === 0 && highWordSum[i] === 0) continue;
    energySum[i] = (BigInt(highWordSum[i]!) << 32n) + BigInt(lowWordSum[i]!);
    const iz = Math.floor(i / nxy);
    slabSum[iz] = slabSum[iz]! + energySum[i]!;
  }
  const chargeSum = charges > 0 ? new BigInt64Array(charges * voxels) : null;
  for (let i = 0; chargeSum && i < charges * voxels; i++) {
    const k = voxels + i;
    if (lowWordSum[k] !== 0 || highWordSum[k] !== 0) chargeSum[i] = (BigInt(highWordSum[k]!) << 32n) + BigInt(lowWordSum[k]!);
  }
  let letSum: BigInt64Array | null = null;
  if (letLow && letHigh && letLost === undefined) {
    letSum = new BigInt64Array(letLow.length);
    for (let k = 0; k < letLow.length; k++) {
      if (letLow[k] !== 0 || letHigh[k] !== 0) letSum[k] = (BigInt(letHigh[k]!) << 32n) + BigInt(letLow[k]!);
    }
  }
  const wallSeconds = (performance.now() - start) / 1000;
  if (lost === null) for (const buffer of allBuffers) buffer.destroy();
  const pair = (name: (typeof GPU_COUNTER_PAIRS)[number]) => totals[GPU_COUNTER_PAIRS.indexOf(name)]!;
  const word = (name: (typeof GPU_COUNTER_WORDS)[number]) => totals[GPU_COUNTER_PAIRS.length + GPU_COUNTER_WORDS.indexOf(name)]!;
  const grid = energySum.reduce((a, v) => a + v, 0n);
  const counters = Object.fromEntries(Object.keys(WORKER_COUNTERS).map((k) => [k, 0n])) as Record<WorkerCounter, bigint>;
  Object.assign(counters, {
    incidentEnergy: pair('INCIDENT_ENERGY'), cutoffEnergy: pair('CUTOFF_ENERGY'), escapedEnergy: pair('ESCAPED_ENERGY'),
    depositedEnergy: grid - pair('CUTOFF_ENERGY'), steps: pair('STEPS'), stopDepthSum: pair('STOP_DEPTH_SUM'),
    stopDepthSumSq: pair('STOP_DEPTH_SUM_SQ'), histories: word('HISTORIES'), stoppedCount: word('STOPPED'),
    missedHistories: word('MISSED_HISTORIES'), abortedHistories: word('ABORTED_HISTORIES'),
    neutralEnergy: pair('NEUTRAL_ENERGY'), nuclearEvents: word('NUCLEAR_EVENTS'),
    primaryNonelasticEvents: word('PRIMARY_NONELASTIC_EVENTS'), secondaries: word('SECONDARIES'), stackOverflows: word('STACK_OVERFLOWS'),
    ...probeCounters(word('PROBE_COUNT'), pair('PROBE_SUM_X'), pair('PROBE_SUM_X_SQ'), phantom.originMm[0]),
    ...probeCounters(word('PROBE_COUNT'), pair('PROBE_SUM_Y'), pair('PROBE_SUM_Y_SQ'), phantom.originMm[1], 'Y'),
  });
  return {
    ...(lost !== null ? { completedHistories: completed, stoppedEarly: lost } : {}),
    phantom, ion: run.ion, materials: run.materials, histories: completed, energySum, energySq: new BigUint64Array(0),
    slabSum, slabSq: new BigUint64Array(0), slabPrimaries, chargeSum, letSum, ...(letOmitted ?? letLost ? { letOmitted: letOmitted ?? letLost } : {}), counters, probeZIndex: run.probeZIndex, wallSeconds, kernel: config.transport.kernel,
    threads: 1, poolStartupSeconds: null, reduceSeconds: null, workerFailures: 0,
    sumVariance: {
      voxel: batchVariance(energySum, voxelSumSq, completed, completedBatches),
      slab: batchVariance(slabSum, slabSumSq, completed, completedBatches), method: 'batches',
    },
    backend: { name: 'webgpu', adapter: [gpu.adapterInfo.vendor, gpu.adapterInfo.architecture, gpu.adapterInfo.description].filter(Boolean).join(' ') },
  };
}
