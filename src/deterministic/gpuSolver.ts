/**
 * The deterministic solver on WebGPU: the operators of README.md in WGSL
 * (shaders/deterministic/) on f32 psi that stays on the GPU for the whole run,
 * returning what runDeterministic returns (DeterministicTallies), so the
 * results code treats both alike.
 *
 * A step is five dispatches in one compute pass, ping-ponging between two psi
 * buffers as the WASM solver does: loseEnergy (then the step's second
 * scatter, on rows still in workgroup memory), streamX, streamZ (then the
 * next step's first scatter), cellTallies and stepTallies (the row tallies
 * summed into the dose and a record per step; the next step's window). The
 * first step of a run starts with a scatter of its own. So psi is read and
 * written three times a step, not five. With nuclear events (transport.nuclear,
 * nuclearTables.ts) a sixth, nuclearCells (nuclear.wgsl, the WASM kernel
 * nuclearRows), runs in place between loseEnergy and streamX, as the WASM
 * solver runs nuclearRows between collide and stream. The window moves on the GPU, so many
 * steps go in one submit and only their records (128 bytes a step) come
 * back; the next submit is queued before the host reads the last one's, so
 * the GPU never waits for the host. Submits are sized by time (about
 * TARGET_SUBMIT_MS), far below the few seconds after which browsers reset a
 * GPU that seems stalled. Dispatch sizes are fixed: the row kernels are
 * persistent (Dawn validates every indirect dispatch, ~0.1 ms each on an H200).
 *
 * Conservation on f32: the f32 tables conserve particles and energy by
 * construction (gpuTables.ts); a row's tallies are summed over t in f32 by a
 * fixed tree, rows and steps in 96-bit fixed point (exact and
 * order-independent, so a run is reproducible bit for bit). What is left is
 * the rounding of psi itself, each bin once per kernel (relative 2^-24,
 * unbiased): a step's particle and energy balance closes to a few 1e-8 of
 * what psi holds (measured: <= 8e-8 over whole 150 MeV runs; the tests hold
 * it to 1e-6; the WASM solver, f64, to 1e-9), and the dose agrees with the
 * WASM solver's to ~1e-5 of its maximum.
 *
 * Speed (H200, the seeds' dense grid 40 x 40 x 72 x 200 = 23 M bins, every
 * bin every step): 1.038 ms a step of GPU time (timestamp queries, the same
 * to 0.1 % in every run), 1.06-1.09 ms of wall time (bench/results/README.md);
 * a real 150 MeV run over the default phantom (visiting only the bins that
 * hold particles) 0.18-0.35 ms a step.
 */
import { BraggInputError } from '../errors.js';
import { requestGpuDevice, type GpuDevice } from '../gpu/device.js';
import { shaderSource } from '../gpu/shaders.js';
import type { DeterministicTallies, NuclearTotals, StepBalance } from './solver.js';
import type { NuclearTables } from './nuclearTables.js';
import type { SolverTables } from './solverTables.js';
import { estimateSteps, ProgressReporter, type DeterministicProgressCallback } from './progress.js';
import {
  buildGpuTables, fixedToNumber, GPU_BINDINGS, GPU_CONTROL, GPU_MAX_ANGLE_BINS, GPU_RECORD_SUMS, MAX_STEPS_PER_SUBMIT,
  type GpuBindingName, type GpuTables, type GpuTuning,
} from './gpuTables.js';

/** The operators, and their fused forms that the steps run (loseEnergy or streamZ, then scatter: convolve.wgsl). */
export type GpuOperator = 'scatter' | 'loseEnergy' | 'scatterAfterLoss' | 'streamX' | 'streamZ' | 'loseEnergyScatter' | 'streamZScatter';
export type GpuKernel = GpuOperator | 'nuclearCells' | 'cellTallies' | 'stepTallies' | 'prepareWindow';

interface KernelSpec {
  readonly file: string;
  readonly entryPoint: string;
  /** The bindings the entry point uses (its 'auto' layout holds exactly these). */
  readonly uses: readonly GpuBindingName[];
  /** Workgroups: the persistent row kernels', cellTallies', the persistent nuclear kernel's, or one. */
  readonly groups: 'rows' | 'cells' | 'nuclearCells' | 'one';
  /** Works in place on psiOut (the scatters) rather than psiIn -> psiOut. */
  readonly inPlace?: boolean;
  readonly constants?: Record<string, number>;
}

/** The shaders that write or read the row tallies include rows.wgsl; those that scatter, convolve.wgsl. */
const ROW_TALLY_FILES = new Set(['loseEnergy.wgsl', 'stream.wgsl', 'tally.wgsl', 'nuclear.wgsl']);
const CONVOLVE_FILES = new Set(['scatter.wgsl', 'loseEnergy.wgsl', 'stream.wgsl']);

const OPERATOR_BINDINGS: readonly GpuBindingName[] = ['psiIn', 'psiOut', 'tablesF', 'tablesI', 'control', 'rows'];
const KERNELS: Record<GpuKernel, KernelSpec> = {
  scatter: { file: 'scatter.wgsl', entryPoint: 'scatter', uses: ['psiOut', 'tablesF', 'tablesI', 'control'], groups: 'rows', inPlace: true },
  scatterAfterLoss: { file: 'scatter.wgsl', entryPoint: 'scatter', uses: ['psiOut', 'tablesF', 'tablesI', 'control'], groups: 'rows', inPlace: true, constants: { AFTER_LOSS: 1 } },
  loseEnergy: { file: 'loseEnergy.wgsl', entryPoint: 'loseEnergy', uses: OPERATOR_BINDINGS, groups: 'rows' },
  loseEnergyScatter: { file: 'loseEnergy.wgsl', entryPoint: 'loseEnergy', uses: OPERATOR_BINDINGS, groups: 'rows', constants: { SCATTER_AFTER: 1 } },
  streamX: { file: 'stream.wgsl', entryPoint: 'streamX', uses: ['psiIn', 'psiOut', 'tablesF', 'control', 'rows'], groups: 'rows' },
  streamZ: { file: 'stream.wgsl', entryPoint: 'streamZ', uses: OPERATOR_BINDINGS, groups: 'rows' },
  streamZScatter: { file: 'stream.wgsl', entryPoint: 'streamZ', uses: OPERATOR_BINDINGS, groups: 'rows', constants: { SCATTER_AFTER: 1 } },
  nuclearCells: { file: 'nuclear.wgsl', entryPoint: 'nuclearCells', uses: ['psiOut', 'tablesF', 'tablesI', 'control', 'rows'], groups: 'nuclearCells', inPlace: true },
  cellTallies: { file: 'tally.wgsl', entryPoint: 'cellTallies', uses: ['tablesF', 'tablesI', 'control', 'rows', 'accum'], groups: 'cells' },
  stepTallies: { file: 'tally.wgsl', entryPoint: 'stepTallies', uses: ['control', 'accum'], groups: 'one' },
  prepareWindow: { file: 'tally.wgsl', entryPoint: 'prepareWindow', uses: ['control'], groups: 'one' },
};
/**
 * One step: the kernels in order, with the psi parity each runs on (0: the
 * step's input buffer). scatter, loseEnergy, scatter, streamX, streamZ
 * (README.md) with the scatters fused into the kernels before them: the
 * step's first scatter is the previous step's streamZScatter, so only the
 * first step of a run (firstScatterPending) runs `scatter` on its own. With
 * nuclear events, nuclearCells in place on loseEnergy's output.
 */
function stepKernels(nuclear: boolean): readonly (readonly [GpuKernel, 0 | 1])[] {
  return [
    ['loseEnergyScatter', 0], ...(nuclear ? [['nuclearCells', 1] as const] : []), ['streamX', 1], ['streamZScatter', 0], ['cellTallies', 0], ['stepTallies', 0],
  ];
}
/** The kernels of a step after the first, in order (benchmarks time them one by one). */
export const STEP_KERNELS: readonly GpuKernel[] = stepKernels(false).map(([kernel]) => kernel);

const TARGET_SUBMIT_MS = 100;
const FIRST_SUBMIT_STEPS = 8;
const RECORD_BYTES = GPU_CONTROL.recordWords * 4;

/** Energies [eLo, eHi) and rows [zLo, zHi) holding particles. */
export interface GpuWindow { readonly eLo: number; readonly eHi: number; readonly zLo: number; readonly zHi: number }

/** One step as stepTallies recorded it (per primary). */
export interface GpuStepRecord {
  readonly window: GpuWindow & { readonly eLoAfter: number; readonly zHiAfter: number };
  readonly occupied: boolean;
  readonly sums: Readonly<Record<(typeof GPU_RECORD_SUMS)[number], number>>;
  /** Whether anything is left for the next step. */
  readonly nextOccupied: boolean;
}

/** The operators' row tallies (tests; rows.wgsl), per row [(e * nz + z) * nx + x]: zero outside the rows an operator wrote. */
export interface GpuOperatorRows {
  /** loseEnergy: particles of source row e before the loss, and floored in output row e. */
  readonly lossSource: Float64Array; readonly lossFloored: Float64Array;
  /** streamX: escaped through x's outer faces; streamZ: through the last z face. */
  readonly escapedX: Float64Array; readonly escapedZ: Float64Array;
  /** streamZ: crossings of the probe face, particles after. */
  readonly probe: Float64Array; readonly particles: Float64Array;
}

export type WebGpuDeterministicTallies = DeterministicTallies & { readonly variant: 'webgpu'; readonly adapter: string };

export interface DeterministicWebGpuOptions {
  /** A device to use (default: request one). */
  readonly gpu?: GpuDevice;
  readonly signal?: AbortSignal;
  /** Tests: called after every step with the step's particle and energy balance. */
  readonly onStep?: (balance: StepBalance) => void;
  /** Nuclear events (transport.nuclear): the tables of nuclearTables.ts buildNuclearTables for this grid; absent: off. */
  readonly nuclear?: NuclearTables;
  /** As runDeterministic's (progress.ts): at most every ~100 ms (as each batch of steps is read back) and once at the end. */
  readonly onProgress?: DeterministicProgressCallback;
  /**
   * Benchmarks only, as runDeterministic's: instead of the beam, fill every
   * bin of psi (the same fixed sequence, about 1/bins each) and run this many
   * steps over the whole grid.
   */
  readonly denseSteps?: number;
}

/**
 * A CPU implementation of WebGPU (Mesa lavapipe, SwiftShader) runs each
 * workgroup on a CPU thread, so persistent kernels there get a few
 * workgroups (several per core), not the thousands a GPU needs: launching
 * thousands of workgroups that find no rows costs a CPU ~0.1 s a step.
 */
const SOFTWARE_ROW_GROUPS = 64;
function softwareAdapter(gpu: GpuDevice): boolean {
  const { architecture, description } = gpu.adapterInfo;
  return architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(description);
}

function adapterName(gpu: GpuDevice): string {
  return [gpu.adapterInfo.vendor, gpu.adapterInfo.architecture, gpu.adapterInfo.description].filter(Boolean).join(' ');
}

/** The preamble, common.wgsl, the files it includes, then `file`; compilation errors thrown with their line (of the whole source). */
async function shaderModule(device: GPUDevice, preamble: string, file: string): Promise<GPUShaderModule> {
  const files = ['common.wgsl', ...(ROW_TALLY_FILES.has(file) ? ['rows.wgsl'] : []), ...(CONVOLVE_FILES.has(file) ? ['convolve.wgsl'] : []), file];
  const code = preamble + (await Promise.all(files.map((f) => shaderSource(`deterministic/${f}`)))).join('');
  const module = device.createShaderModule({ code });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((m) => `line ${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  return module;
}

/** The GPU state of one solve: tables, psi, tallies, pipelines; steps and single operators. */
export class DeterministicGpuSolver {
  /** Which psi buffer holds the current step's input. */
  private parity: 0 | 1 = 0;
  /** psi was written by the host: the next step starts with its own scatter. */
  private firstScatterPending = true;
  private submits = 0;
  private lost: string | null = null;
  private readonly recordStaging: GPUBuffer[];
  private readonly step: readonly (readonly [GpuKernel, 0 | 1])[];

  private constructor(
    readonly gpu: GpuDevice,
    readonly tables: SolverTables,
    readonly gpuTables: GpuTables,
    private readonly buffers: Record<GpuBindingName, GPUBuffer> & { psi: readonly [GPUBuffer, GPUBuffer] },
    private readonly pipelines: Partial<Record<GpuKernel, GPUComputePipeline>>,
    private readonly bindGroups: Partial<Record<GpuKernel, readonly [GPUBindGroup, GPUBindGroup]>>,
    readonly nuclear: boolean,
  ) {
    const { device } = gpu;
    this.step = stepKernels(nuclear);
    this.recordStaging = [0, 1].map(() => device.createBuffer({ size: MAX_STEPS_PER_SUBMIT * RECORD_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    void device.lost.then((info) => { this.lost = info.message || info.reason || 'device lost'; });
  }

  get psiBins(): number {
    const { ne, nz, nx, nTheta } = this.tables.grid;
    return ne * nz * nx * nTheta;
  }

  static async create(gpu: GpuDevice, tables: SolverTables, options: { readonly tuning?: GpuTuning; readonly nuclear?: NuclearTables } = {}): Promise<DeterministicGpuSolver> {
    const { device, limits } = gpu;
    const { ne, nz, nx, nTheta } = tables.grid;
    const psiBytes = 4 * ne * nz * nx * nTheta;
    if (nTheta > GPU_MAX_ANGLE_BINS) throw new BraggInputError(`the WebGPU solver takes at most ${GPU_MAX_ANGLE_BINS} angle bins (${nTheta} asked): use the wasm backend`);
    if (psiBytes > limits.maxStorageBufferBindingSize || psiBytes > limits.maxBufferSize) {
      throw new BraggInputError(`the phase-space grid (${ne} energies x ${nTheta} angles x ${nz} x ${nx} cells) needs a ${Math.ceil(psiBytes / 2 ** 20)} MiB `
        + `storage buffer, more than this GPU allows (${Math.floor(limits.maxStorageBufferBindingSize / 2 ** 20)} MiB): use fewer bins or the wasm backend`);
    }
    const nuclear = options.nuclear ?? null;
    const gt = buildGpuTables(tables, { maxRowGroups: softwareAdapter(gpu) ? SOFTWARE_ROW_GROUPS : undefined, ...options.tuning }, nuclear);
    if (gt.workgroupBytes > limits.maxComputeWorkgroupStorageSize) {
      throw new BraggInputError(`${nTheta} angle bins with scattering kernels of ${2 * tables.scattering.jMax + 1} bins need ${gt.workgroupBytes} bytes of `
        + `workgroup memory, more than this GPU allows (${limits.maxComputeWorkgroupStorageSize}): use fewer angle bins or the wasm backend`);
    }
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const storage = (size: number, extra = 0) => device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extra });
    const psi = [storage(psiBytes), storage(psiBytes)] as const;
    const buffers = {
      psi, psiIn: psi[0], psiOut: psi[1],
      tablesF: storage(gt.tablesF.byteLength), tablesI: storage(gt.tablesI.byteLength),
      control: storage(4 * (GPU_CONTROL.records + MAX_STEPS_PER_SUBMIT * GPU_CONTROL.recordWords)),
      rows: storage(gt.rowTallyBytes), accum: storage(4 * gt.accumWords),
    };
    device.queue.writeBuffer(buffers.tablesF, 0, gt.tablesF);
    device.queue.writeBuffer(buffers.tablesI, 0, gt.tablesI);
    const kernels = (Object.keys(KERNELS) as GpuKernel[]).filter((k) => nuclear !== null || k !== 'nuclearCells');
    const modules = new Map<string, Promise<GPUShaderModule>>();
    const moduleFor = (spec: KernelSpec) => {
      if (!modules.has(spec.file)) modules.set(spec.file, shaderModule(device, gt.preamble, spec.file));
      return modules.get(spec.file)!;
    };
    let built: { pipelines: Partial<Record<GpuKernel, GPUComputePipeline>>; bindGroups: Partial<Record<GpuKernel, [GPUBindGroup, GPUBindGroup]>> } | null = null;
    let failure: string | null = null;
    try {
      const pipelineList = await Promise.all(kernels.map(async (k) => device.createComputePipelineAsync({
        layout: 'auto', compute: { module: await moduleFor(KERNELS[k]), entryPoint: KERNELS[k].entryPoint, constants: KERNELS[k].constants ?? {} },
      })));
      const pipelines: Partial<Record<GpuKernel, GPUComputePipeline>> = Object.fromEntries(kernels.map((k, i) => [k, pipelineList[i]!]));
      const bindGroup = (k: GpuKernel, parity: 0 | 1) => {
        const spec = KERNELS[k];
        const resource = (name: GpuBindingName) => ({
          buffer: name === 'psiIn' ? psi[parity] : name === 'psiOut' ? psi[spec.inPlace ? parity : 1 - parity]! : buffers[name],
        });
        return device.createBindGroup({
          layout: pipelines[k]!.getBindGroupLayout(0),
          entries: spec.uses.map((name) => ({ binding: GPU_BINDINGS[name], resource: resource(name) })),
        });
      };
      built = { pipelines, bindGroups: Object.fromEntries(kernels.map((k) => [k, [bindGroup(k, 0), bindGroup(k, 1)]])) };
    } catch (error) {
      failure = (error as Error).message;
    }
    const scoped = [await device.popErrorScope(), await device.popErrorScope()].filter((e) => e !== null).map((e) => e.message);
    if (failure !== null || scoped.length > 0 || built === null) {
      for (const b of new Set([...psi, ...Object.values(buffers).filter((b) => b instanceof GPUBuffer)])) b.destroy();
      throw new Error(`deterministic WebGPU kernels failed: ${[failure, ...scoped].filter(Boolean).join('; ')}`);
    }
    const { pipelines, bindGroups } = built;
    return new DeterministicGpuSolver(gpu, tables, gt, buffers, pipelines, bindGroups, nuclear !== null);
  }

  destroy(): void {
    const { psi, ...rest } = this.buffers;
    for (const b of new Set([...psi, ...Object.values(rest), ...this.recordStaging])) b.destroy();
  }

  /** Replaces psi buffer `which` (0: the next step's input) and clears the other, the row tallies and the accumulated dose and probe. */
  writePsi(values: Float32Array<ArrayBuffer>, which: 0 | 1 = 0): void {
    const encoder = this.gpu.device.createCommandEncoder();
    for (const b of [this.buffers.psi[1 - which]!, this.buffers.rows, this.buffers.accum]) encoder.clearBuffer(b);
    this.gpu.device.queue.submit([encoder.finish()]);
    this.gpu.device.queue.writeBuffer(this.buffers.psi[which], 0, values);
    this.parity = which;
    this.firstScatterPending = true;
  }

  /** Places the source (one primary, row z = 0) in an empty psi and sets the window on it; returns what it holds (f32, as the GPU sums it). */
  placeSource(): { particles: number; energyMeV: number } {
    const { nx, nz, nTheta, ne } = this.tables.grid;
    const slice = nx * nTheta;
    let particles = 0, energyMeV = 0, eLo = ne, eHi = 0;
    for (let e = 0; e < ne; e++) {
      const values = Float32Array.from(this.tables.source.values.subarray(e * slice, (e + 1) * slice));
      const sum = values.reduce((a, v) => a + v, 0);
      if (sum === 0) continue;
      this.gpu.device.queue.writeBuffer(this.buffers.psi[this.parity], 4 * e * nz * slice, values);
      particles += sum;
      energyMeV += sum * this.gpuTables.energyMeV[e]!;
      eLo = Math.min(eLo, e);
      eHi = e + 1;
    }
    this.setWindow(eHi > eLo ? { eLo, eHi, zLo: 0, zHi: 1 } : { eLo: 0, eHi: 0, zLo: 0, zHi: 0 });
    this.firstScatterPending = true;
    return { particles, energyMeV };
  }

  /**
   * Fills every bin (a Weyl sequence, about 1/bins each, as runDeterministic's
   * denseSteps) and sets the window to the whole grid for every step; returns
   * what psi holds.
   */
  fillDense(): { particles: number; energyMeV: number } {
    const { ne, nz, nx, nTheta } = this.tables.grid;
    const psi = densePsi(this.psiBins);
    this.writePsi(psi);
    this.setWindow('dense');
    let particles = 0, energyMeV = 0;
    const slice = nz * nx * nTheta;
    for (let e = 0; e < ne; e++) {
      const sum = psi.subarray(e * slice, (e + 1) * slice).reduce((a, v) => a + v, 0);
      particles += sum;
      energyMeV += sum * this.gpuTables.energyMeV[e]!;
    }
    return { particles, energyMeV };
  }

  /** Sets the window of the next step (dense: the whole grid, every step), as streamZ's box would. */
  setWindow(window: GpuWindow | 'dense'): void {
    const header = new Uint32Array(GPU_CONTROL.records);
    if (window === 'dense') header[GPU_CONTROL.window + 7] = 1;
    else header.set([window.eLo, window.eHi, window.zLo, window.zHi], GPU_CONTROL.bbox);
    const { device } = this.gpu;
    device.queue.writeBuffer(this.buffers.control, 0, header);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    this.dispatch(pass, 'prepareWindow', 0);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }

  private dispatch(pass: GPUComputePassEncoder, kernel: GpuKernel, parity: 0 | 1): void {
    const pipeline = this.pipelines[kernel];
    if (!pipeline) throw new Error(`the ${kernel} kernel runs only with nuclear events on`);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroups[kernel]![parity]);
    const { groups } = KERNELS[kernel];
    const count = groups === 'one' ? 1 : this.gpuTables.groups[groups];
    // more than 65,535 workgroups are split over y (workgroupIndex in common.wgsl)
    const x = Math.min(count, 65535);
    pass.dispatchWorkgroups(x, Math.ceil(count / x));
  }

  private encodeSteps(encoder: GPUCommandEncoder, count: number, only?: readonly GpuKernel[], timestampWrites?: GPUComputePassTimestampWrites): void {
    const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
    for (let s = 0; s < count; s++) {
      if (this.firstScatterPending && (!only || only.includes('scatter'))) this.dispatch(pass, 'scatter', this.parity);
      this.firstScatterPending = false;
      for (const [kernel, offset] of this.step) if (!only || only.includes(kernel)) this.dispatch(pass, kernel, (this.parity ^ offset) as 0 | 1);
      this.parity = (1 - this.parity) as 0 | 1;
    }
    pass.end();
  }

  /** Queues `count` steps (at most MAX_STEPS_PER_SUBMIT) in one submit; resolves to their records once they are read back. */
  submitSteps(count: number): Promise<GpuStepRecord[]> {
    if (count < 1 || count > MAX_STEPS_PER_SUBMIT) throw new RangeError(`steps per submit must be 1..${MAX_STEPS_PER_SUBMIT}`);
    const { device } = this.gpu;
    device.queue.writeBuffer(this.buffers.control, 4 * GPU_CONTROL.record, new Uint32Array([0]));
    const encoder = device.createCommandEncoder();
    this.encodeSteps(encoder, count);
    const staging = this.recordStaging[this.submits++ % 2]!;
    encoder.copyBufferToBuffer(this.buffers.control, 4 * GPU_CONTROL.records, staging, 0, count * RECORD_BYTES);
    device.queue.submit([encoder.finish()]);
    return staging.mapAsync(GPUMapMode.READ, 0, count * RECORD_BYTES).then(() => {
      const words = new Uint32Array(staging.getMappedRange(0, count * RECORD_BYTES).slice(0));
      staging.unmap();
      return Array.from({ length: count }, (_, k) => decodeRecord(words.subarray(k * GPU_CONTROL.recordWords, (k + 1) * GPU_CONTROL.recordWords)));
    }, (error: unknown) => {
      throw new Error(`WebGPU device lost during the deterministic solve: ${this.lost ?? (error as Error).message}`);
    });
  }

  /**
   * Runs `count` steps (benchmarks: `only` these kernels) reading neither psi
   * nor records back, one compute pass per submit of at most
   * MAX_STEPS_PER_SUBMIT steps; resolves when the GPU has finished them, to
   * the wall time from the first submit until then and, where the device has
   * 'timestamp-query', the GPU time of those passes (their timestamps are
   * read back after the wall time is taken).
   */
  async runStepsBlind(count: number, only?: readonly GpuKernel[]): Promise<{ wallSeconds: number; gpuSeconds: number | null }> {
    const { device } = this.gpu;
    const submits = Math.ceil(count / MAX_STEPS_PER_SUBMIT);
    const stamps = device.features.has('timestamp-query') ? {
      querySet: device.createQuerySet({ type: 'timestamp', count: 2 * submits }),
      resolved: device.createBuffer({ size: 16 * submits, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      staging: device.createBuffer({ size: 16 * submits, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    } : null;
    const began = performance.now();
    for (let k = 0; k < submits; k++) {
      device.queue.writeBuffer(this.buffers.control, 4 * GPU_CONTROL.record, new Uint32Array([0]));
      const encoder = device.createCommandEncoder();
      const timestampWrites = stamps ? { querySet: stamps.querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 } : undefined;
      this.encodeSteps(encoder, Math.min(MAX_STEPS_PER_SUBMIT, count - k * MAX_STEPS_PER_SUBMIT), only, timestampWrites);
      if (stamps && k === submits - 1) {
        encoder.resolveQuerySet(stamps.querySet, 0, 2 * submits, stamps.resolved, 0);
        encoder.copyBufferToBuffer(stamps.resolved, 0, stamps.staging, 0, 16 * submits);
      }
      device.queue.submit([encoder.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    const wallSeconds = (performance.now() - began) / 1000;
    if (this.lost !== null) throw new Error(`WebGPU device lost: ${this.lost}`);
    if (!stamps) return { wallSeconds, gpuSeconds: null };
    try {
      await stamps.staging.mapAsync(GPUMapMode.READ);
      const ns = new BigUint64Array(stamps.staging.getMappedRange());
      let gpuNs = 0n;
      for (let k = 0; k < submits; k++) gpuNs += ns[2 * k + 1]! - ns[2 * k]!;
      return { wallSeconds, gpuSeconds: Number(gpuNs) / 1e9 };
    } finally {
      stamps.querySet.destroy();
      stamps.resolved.destroy();
      stamps.staging.destroy();
    }
  }

  /**
   * Tests: one operator on `input` (psi, whole grid) over a window, as the
   * first step would run it; returns the psi it wrote (the scatters: in
   * place) and the row tallies.
   */
  async runOperator(op: GpuOperator, input: Float32Array<ArrayBuffer>, window: GpuWindow | 'dense'): Promise<{ output: Float32Array<ArrayBuffer>; rows: GpuOperatorRows }> {
    this.writePsi(input, 0);
    this.setWindow(window);
    const encoder = this.gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    this.dispatch(pass, op, 0);
    pass.end();
    this.gpu.device.queue.submit([encoder.finish()]);
    const output = new Float32Array(await this.read(this.buffers.psi[KERNELS[op].inPlace ? 0 : 1], 4 * this.psiBins));
    const { ne, nz, nx } = this.tables.grid;
    return { output, rows: this.decodeRows(new Float32Array(await this.read(this.buffers.rows, 32 * ne * nz * nx))) };
  }

  /** psi after the last step (f32, the whole grid). */
  async readPsi(): Promise<Float32Array> {
    return new Float32Array(await this.read(this.buffers.psi[this.parity], 4 * this.psiBins));
  }

  /** Energy deposited per cell (MeV per primary, [z][x]) and crossings of the probe face per x, summed over the steps so far. */
  async readAccumulated(): Promise<{ doseEnergyMeV: Float64Array; probeFluence: Float64Array }> {
    const { nx, nz } = this.tables.grid;
    const words = new Uint32Array(await this.read(this.buffers.accum, 4 * this.gpuTables.accumWords));
    const pairs = (from: number, n: number) => Float64Array.from({ length: n }, (_, i) => fixedToNumber(words[from + 3 * i]!, words[from + 3 * i + 1]!, words[from + 3 * i + 2]!));
    return { doseEnergyMeV: pairs(0, nz * nx), probeFluence: pairs(this.gpuTables.accumProbe, nx) };
  }

  private async read(buffer: GPUBuffer, size: number): Promise<ArrayBuffer> {
    const { device } = this.gpu;
    const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0);
    } catch (error) {
      throw new Error(`WebGPU device lost during the deterministic solve: ${this.lost ?? (error as Error).message}`);
    } finally {
      staging.destroy();
    }
  }

  private decodeRows(values: Float32Array): GpuOperatorRows {
    const lane = (k: number) => Float64Array.from({ length: values.length / 8 }, (_, row) => values[8 * row + k]!);
    return { lossSource: lane(0), lossFloored: lane(1), escapedX: lane(2), escapedZ: lane(3), probe: lane(4), particles: lane(5) };
  }
}

function decodeRecord(words: Uint32Array): GpuStepRecord {
  const [eLo, eHi, zLo, zHi, eLoAfter, zHiAfter, occupied] = words;
  const sums = Object.fromEntries(GPU_RECORD_SUMS.map((name, q) => {
    const w = GPU_CONTROL.sums + 3 * q;
    return [name, fixedToNumber(words[w]!, words[w + 1]!, words[w + 2]!)];
  }));
  return {
    window: { eLo: eLo!, eHi: eHi!, zLo: zLo!, zHi: zHi!, eLoAfter: eLoAfter!, zHiAfter: zHiAfter! },
    occupied: occupied === 1, sums: sums as GpuStepRecord['sums'], nextOccupied: words[GPU_CONTROL.nextOccupied] === 1,
  };
}

/**
 * Solves on the GPU until every particle has been absorbed or has left the
 * grid (or after ne + nz + 8 steps, as the WASM solver); returns the fields of
 * DeterministicTallies, so the results code treats both backends alike.
 */
export async function runDeterministicWebGpu(tables: SolverTables, options: DeterministicWebGpuOptions = {}): Promise<WebGpuDeterministicTallies> {
  const gpu = options.gpu ?? (await requestGpuDevice());
  if (!gpu) throw new BraggInputError('no WebGPU adapter found: use the wasm backend');
  const solver = await DeterministicGpuSolver.create(gpu, tables, options.nuclear ? { nuclear: options.nuclear } : {});
  const { ne, nz, nx, nTheta } = tables.grid;
  const totals = { escapedParticles: 0, escapedEnergyMeV: 0, absorbedParticles: 0, depositedEnergyMeV: 0, flooredParticles: 0, laggedParticles: 0 };
  const nuclear = { events: 0, secondaries: 0, neutralEnergyMeV: 0, leavingEnergyMeV: 0 };
  const maxSteps = options.denseSteps ?? ne + nz + 8;
  let steps = 0, binsVisited = 0, submitted = 0, batchSteps = FIRST_SUBMIT_STEPS;
  let finished = false;
  interface Submit { readonly count: number; readonly submittedMs: number; readonly records: Promise<GpuStepRecord[]> }
  const submit = (): Submit | null => {
    const count = Math.min(batchSteps, maxSteps - submitted);
    if (count <= 0) return null;
    submitted += count;
    const records = solver.submitSteps(count);
    records.catch(() => undefined); // awaited in order below
    return { count, submittedMs: performance.now(), records };
  };
  try {
    let held = options.denseSteps !== undefined ? solver.fillDense() : solver.placeSource();
    const started = performance.now();
    const progress = new ProgressReporter(options.onProgress, options.denseSteps ?? Math.min(estimateSteps(tables), maxSteps), started);
    let lastDoneMs = started;
    let current = submit();
    while (current !== null && !finished) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('the run was aborted');
      const next = submit(); // queued before this one is read, so the GPU keeps running
      for (const record of await current.records) {
        if (!record.occupied) { finished = true; break; }
        const { sums: s, window: w } = record;
        steps++;
        binsVisited += 5 * (w.eHi - w.eLoAfter) * (w.zHi - w.zLo) * nx * nTheta;
        totals.escapedParticles += s.escapedParticles;
        totals.escapedEnergyMeV += s.escapedEnergyMeV;
        totals.absorbedParticles += s.absorbedParticles;
        totals.depositedEnergyMeV += s.depositedEnergyMeV;
        totals.flooredParticles += s.flooredParticles;
        const stepNuclear: NuclearTotals = { events: s.nuclearEvents, secondaries: s.secondaries, neutralEnergyMeV: s.neutralEnergyMeV, leavingEnergyMeV: s.leavingEnergyMeV };
        for (const key of Object.keys(nuclear) as (keyof NuclearTotals)[]) nuclear[key] += stepNuclear[key];
        options.onStep?.({
          step: steps, particlesBefore: held.particles, particlesAfter: s.particlesAfter,
          energyBeforeMeV: held.energyMeV, energyAfterMeV: s.energyAfterMeV,
          escapedParticles: s.escapedParticles, absorbedParticles: s.absorbedParticles,
          escapedEnergyMeV: s.escapedEnergyMeV, depositedEnergyMeV: s.depositedEnergyMeV,
          ...(options.nuclear ? { nuclear: stepNuclear } : {}),
        });
        held = { particles: s.particlesAfter, energyMeV: s.energyAfterMeV };
        if (!record.nextOccupied) { finished = true; break; }
      }
      progress.update(steps);
      const doneMs = performance.now();
      const elapsedMs = Math.max(doneMs - Math.max(lastDoneMs, current.submittedMs), 1);
      lastDoneMs = doneMs;
      batchSteps = Math.min(MAX_STEPS_PER_SUBMIT, Math.max(1, Math.round((current.count * TARGET_SUBMIT_MS) / elapsedMs)));
      if (finished && next) await next.records; // finished: its steps ran on an empty window and changed nothing
      current = next;
    }
    const transportSeconds = (performance.now() - started) / 1000;
    progress.finish(steps);
    const { doseEnergyMeV, probeFluence } = await solver.readAccumulated();
    return {
      tables, doseEnergyMeV, probeFluence: tables.probeFace !== null ? probeFluence : null,
      incidentEnergyMeV: tables.source.energyMeV, totals, ...(options.nuclear ? { nuclear } : {}),
      remainingParticles: finished ? 0 : held.particles, remainingEnergyMeV: finished ? 0 : held.energyMeV,
      steps, binsVisited, transportSeconds, variant: 'webgpu', threads: 1, adapter: adapterName(gpu), warnings: progress.warnings,
    };
  } finally {
    solver.destroy();
  }
}

/** A dense psi: every bin filled (a Weyl sequence, about 1/bins each). */
function densePsi(bins: number): Float32Array<ArrayBuffer> {
  return Float32Array.from({ length: bins }, (_, i) => (0.5 + ((i * 0.6180339887498949) % 1)) / bins);
}

/** One run of dense steps, per step: wall clock (first submit to the GPU done) and GPU time (timestamp queries; null without them). */
export interface DenseStepTiming { readonly wallSecondsPerStep: number; readonly gpuSecondsPerStep: number | null }

export interface DenseStepBenchmark {
  /** Medians of the timed runs. */
  readonly wallSecondsPerStep: number;
  readonly gpuSecondsPerStep: number | null;
  readonly runs: readonly DenseStepTiming[];
  /** The warm-up's runs in order, each with its start (seconds after the warm-up began): a GPU raising its clocks shows here. */
  readonly warmup: readonly (DenseStepTiming & { readonly atSeconds: number })[];
  readonly binsPerStep: number;
  readonly adapter: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Benchmarks: runs of `steps` dense steps (the whole grid every step, no
 * window; `only` some kernels) on `psi` (default: every bin filled, as
 * denseSteps), none reading anything back. First a warm-up: runs back to
 * back, psi not refilled, for at least `warmupSeconds` (an idle GPU may
 * start at low clocks: its runs show any ramp); then `runs` timed runs
 * (default 5), psi refilled and the queue drained before each, so that no
 * upload or clear is inside the time, on one device and one solver.
 */
export async function benchmarkDenseSteps(tables: SolverTables, options: {
  readonly steps: number; readonly runs?: number; readonly warmupSeconds?: number; readonly only?: readonly GpuKernel[];
  readonly psi?: Float32Array<ArrayBuffer>; readonly gpu?: GpuDevice; readonly tuning?: GpuTuning;
}): Promise<DenseStepBenchmark> {
  const gpu = options.gpu ?? (await requestGpuDevice());
  if (!gpu) throw new BraggInputError('no WebGPU adapter found');
  const solver = await DeterministicGpuSolver.create(gpu, tables, { tuning: options.tuning });
  const { steps, only } = options;
  const perStep = ({ wallSeconds, gpuSeconds }: { wallSeconds: number; gpuSeconds: number | null }): DenseStepTiming =>
    ({ wallSecondsPerStep: wallSeconds / steps, gpuSecondsPerStep: gpuSeconds === null ? null : gpuSeconds / steps });
  try {
    const psi = options.psi ?? densePsi(solver.psiBins);
    const start = async () => {
      solver.writePsi(psi);
      solver.setWindow('dense');
      await gpu.device.queue.onSubmittedWorkDone();
    };
    await start();
    const warmup: DenseStepBenchmark['warmup'][number][] = [];
    const warmupBegan = performance.now();
    do {
      const atSeconds = (performance.now() - warmupBegan) / 1000;
      warmup.push({ atSeconds, ...perStep(await solver.runStepsBlind(steps, only)) });
    } while (performance.now() - warmupBegan < 1000 * (options.warmupSeconds ?? 0));
    const runs: DenseStepTiming[] = [];
    for (let r = 0; r < (options.runs ?? 5); r++) {
      await start();
      runs.push(perStep(await solver.runStepsBlind(steps, only)));
    }
    const gpuTimes = runs.map((r) => r.gpuSecondsPerStep);
    return {
      wallSecondsPerStep: median(runs.map((r) => r.wallSecondsPerStep)),
      gpuSecondsPerStep: gpuTimes.every((t) => t !== null) ? median(gpuTimes as number[]) : null,
      runs, warmup, binsPerStep: solver.psiBins, adapter: adapterName(gpu),
    };
  } finally {
    solver.destroy();
  }
}
