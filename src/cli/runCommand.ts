import { readFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import { simulate, type SimulationResult } from '../simulate.js';
import type { DeterministicResult } from '../deterministic/deterministicResults.js';
import { parseConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { encodeNpy, writeOutputsAtomically, depthDoseCsv, depthDoseSvg } from '../io/index.js';
import { parseNumberOption } from './numbers.js';

interface RunOptions {
  config?: string; particle?: string; energy?: string; histories?: string; seed?: string;
  kernel?: string; threads?: string; memoryLimit?: string; backend?: 'auto' | 'wasm' | 'webgpu'; out: string; json?: boolean;
  solver?: 'montecarlo' | 'deterministic';
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BraggInputError(`cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BraggInputError(`config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BraggInputError(`config ${path} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Applies command-line flags over the config file's sections. */
function withFlags(base: Record<string, unknown>, options: RunOptions): Record<string, unknown> {
  const section = (name: string) => ({ ...((base[name] as Record<string, unknown> | undefined) ?? {}) });
  const beam = section('beam');
  const transport = section('transport');
  if (options.particle !== undefined) beam.particle = options.particle;
  const energy = parseNumberOption('--energy', options.energy);
  if (energy !== undefined) beam.energyMeVPerU = energy;
  const histories = parseNumberOption('--histories', options.histories);
  if (histories !== undefined) transport.histories = histories;
  const seed = parseNumberOption('--seed', options.seed);
  if (seed !== undefined) transport.seed = seed;
  if (options.kernel !== undefined) transport.kernel = options.kernel;
  return { ...base, beam, transport, ...(options.solver !== undefined ? { solver: options.solver } : {}) };
}

const mm = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} mm`);

function deterministicText(result: DeterministicResult): string {
  const s = result.summary;
  const g = s.phaseSpaceGrid;
  return [
    `deterministic ${s.particle} beam at ${s.energyMeVPerU} MeV/u, ${s.backend}-${s.variant}, ${s.threads} thread${s.threads === 1 ? '' : 's'}`,
    `  grid ${g.energyBins} energies x ${g.angleBins} angles x ${g.nz} x ${g.nx} cells, ${s.steps} steps of ${s.stepMm} mm`,
    `  Bragg peak ${mm(s.peakDepthMm)}   R90 ${mm(s.r90Mm)}   R80 ${mm(s.r80Mm)}   R20 ${mm(s.r20Mm)}`,
    `  energy deposited ${s.energyDepositedMeVPerPrimary.toFixed(3)} MeV per primary; balance: particles ${s.particleBalance.toExponential(1)}, energy ${s.energyBalance.toExponential(1)}`,
    `  ${s.wallSeconds.toFixed(2)} s wall, ${(1000 * s.secondsPerStep).toFixed(3)} ms per step, ${(s.binsPerSecond / 1e6).toFixed(0)} M bins/s`,
    `  dose.npy: dose integrated over y (Gy mm per primary), shape [nz, 1, nx]`,
  ].join('\n') + '\n';
}

function summaryText(result: SimulationResult): string {
  const s = result.summary;
  return [
    `${s.histories} ${s.particle} histories at ${s.energyMeVPerU} MeV/u, seed ${s.seed}, ${s.backend}-${s.variant}, ${s.threads} thread${s.threads === 1 ? '' : 's'}`,
    `  Bragg peak ${mm(s.peakDepthMm)}   R90 ${mm(s.r90Mm)}   R80 ${mm(s.r80Mm)}   R20 ${mm(s.r20Mm)}`,
    `  entrance/peak ${s.entranceToPeak.toFixed(3)}   range straggling ${s.rangeStragglingMm.toFixed(2)} mm`,
    `  energy deposited ${s.energyDepositedMeVPerPrimary.toFixed(3)} MeV per primary`,
    `  ${s.wallSeconds.toFixed(2)} s wall, ${Math.round(s.historiesPerSecond)} histories/s, ${(s.stepsPerSecond / 1e6).toFixed(2)} M steps/s`,
  ].join('\n') + '\n';
}

/**
 * Writes all outputs or none; a directory that cannot be written is bad input, not a crash.
 * `what` names the outputs in that message.
 */
export async function writeOutputs(dir: string, files: Parameters<typeof writeOutputsAtomically>[1], what = `outputs to ${dir}`): Promise<void> {
  try {
    await writeOutputsAtomically(dir, files);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new BraggInputError(`cannot write ${what}: ${code}`);
    throw error;
  }
}

/** Tells the user, on stderr, when a run's numbers deserve a second look. */
function warnAboutDiagnostics(result: SimulationResult): void {
  const { summary, diagnostics } = result;
  const warn = (text: string) => process.stderr.write(`bragg: warning: ${text}\n`);
  if (summary.missedHistories > 0.5 * summary.histories) {
    warn(`${summary.missedHistories} of ${summary.histories} primaries missed the phantom`);
  }
  if (summary.abortedHistories > 0) warn(`${summary.abortedHistories} histories were stopped by the step guard (tiny steps or voxels?)`);
  if (diagnostics.listOverflows > 0) warn(`${diagnostics.listOverflows} histories touched more voxels than the scoring list holds: their variance is approximate`);
}

export async function runCommand(options: RunOptions): Promise<void> {
  const base = options.config === undefined ? {} : await readConfigFile(options.config);
  const config = parseConfig(withFlags(base, options));
  if (config.solver === 'deterministic') return runDeterministicCommand(config, options);
  const bar = process.stderr.isTTY && !options.json
    ? new SingleBar({
        format: '{bar} {percentage}% | {value}/{total} histories | {rate} hist/s | ETA {eta_formatted}',
        stream: process.stderr, hideCursor: true,
      }, Presets.shades_classic)
    : null;
  bar?.start(config.transport.histories, 0, { rate: 0 });
  let result: SimulationResult;
  try {
    const threads = parseNumberOption('--threads', options.threads);
    const memoryLimitMiB = parseNumberOption('--memory-limit', options.memoryLimit);
    result = await simulate(config, {
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(memoryLimitMiB !== undefined ? { memoryLimitBytes: memoryLimitMiB * 2 ** 20 } : {}),
      onProgress: bar ? (p) => bar.update(p.historiesDone, { rate: Math.round(p.historiesDone / Math.max(p.elapsedSeconds, 1e-9)) }) : undefined,
    });
  } finally {
    bar?.stop();
  }
  warnAboutDiagnostics(result);
  await writeRunOutputs(options.out, result);
  process.stdout.write(options.json ? JSON.stringify(result.summary) + '\n' : summaryText(result) + `  outputs in ${options.out}/\n`);
}

/** The five outputs, the same for both solvers (the deterministic dose is integrated over y, its uncertainty 0). */
async function writeRunOutputs(dir: string, result: SimulationResult | DeterministicResult): Promise<void> {
  const { summary, depthDose, config } = result;
  const series = { depthMm: depthDose.depthMm, dose: depthDose.dose, uncertainty: depthDose.uncertainty, doseUnit: depthDose.doseUnit };
  const solver = 'solver' in summary ? ' (deterministic)' : '';
  const title = `${summary.energyMeVPerU} MeV/u ${summary.particle} in ${config.phantom.material}${solver}`;
  await writeOutputs(dir, [
    { name: 'summary.json', contents: JSON.stringify(summary, null, 2) + '\n' },
    { name: 'depth_dose.csv', contents: depthDoseCsv(series) },
    { name: 'dose.npy', contents: encodeNpy(result.dose, summary.gridShape) },
    { name: 'uncertainty.npy', contents: encodeNpy(result.uncertainty, summary.gridShape) },
    { name: 'depth_dose.svg', contents: depthDoseSvg({ series, r80Mm: summary.r80Mm, title }) },
  ]);
}

async function runDeterministicCommand(config: ReturnType<typeof parseConfig>, options: RunOptions): Promise<void> {
  // Histories and seeds belong to the Monte Carlo: say so rather than ignore them silently.
  for (const [flag, value] of [['--histories', options.histories], ['--seed', options.seed]] as const) {
    if (value !== undefined) process.stderr.write(`bragg: warning: ${flag} has no meaning for the deterministic solver (no histories, no random numbers)\n`);
  }
  const memoryLimitMiB = parseNumberOption('--memory-limit', options.memoryLimit);
  const threads = parseNumberOption('--threads', options.threads);
  const result = await simulate({ ...config, solver: 'deterministic' as const }, {
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(memoryLimitMiB !== undefined ? { memoryLimitBytes: memoryLimitMiB * 2 ** 20 } : {}),
  });
  await writeRunOutputs(options.out, result);
  process.stdout.write(options.json ? JSON.stringify(result.summary) + '\n' : deterministicText(result) + `  outputs in ${options.out}/\n`);
}
