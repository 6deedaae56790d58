/**
 * `bragg run`: config file and flags through the one config parser, the
 * output folder checked and locked before any transport, the run, then every
 * output published at once (src/io/outputFolder.ts).
 */
import { SingleBar, Presets } from 'cli-progress';
import { simulate, type SimulateOptions, type SimulationResult } from '../simulate.js';
import type { DeterministicResult } from '../deterministic/deterministicResults.js';
import { parseConfig, type ResolvedConfig } from '../config/schema.js';
import { openOutputFolder, writeFileAtomically } from '../io/index.js';
import { BraggInputError } from '../errors.js';
import { parseNumberOption } from './numbers.js';
import { readConfigFile } from './configFile.js';
import { readPlanFile } from '../io/planFile.js';
import { rtStructFromBytes, type StructureSet } from '../io/dicom/rtStruct.js';
import { readWhole, regularFileBytes } from '../io/metaImage.js';
import { CtPhantom } from '../geometry/ctPhantom.js';
import { parseBeamModel } from '../beam/beamModelSchema.js';
import { loadPhantom } from '../geometry/loadPhantom.js';
import { dirname, resolve } from 'node:path';
import { onTermination } from './signals.js';
import { runOutputFiles, summaryDocument, rtDoseFits } from '../io/runOutputs.js';

interface RunOptions {
  config?: string; particle?: string; energy?: string; histories?: string; seed?: string;
  kernel?: string; threads?: string; memoryLimit?: string; backend?: 'auto' | 'wasm' | 'webgpu'; out: string; json?: boolean;
  solver?: 'montecarlo' | 'deterministic';
  /** false with --no-nuclear, --no-let (commander: true otherwise, which leaves the config's value). */
  nuclear?: boolean; let?: boolean;
  ct?: string; huCalibration?: string; plan?: string; beamModel?: string; structures?: string;
}

/** Config fields that flags set, so that messages name the flag the user typed. */
const FLAG_FIELDS = {
  'beam.particle': '--particle', 'beam.energyMeVPerU': '--energy', 'transport.histories': '--histories',
  'transport.seed': '--seed', 'transport.kernel': '--kernel', solver: '--solver', 'phantom.ct.file': '--ct',
  'phantom.ct.calibration': '--hu-calibration', plan: '--plan',
} as const;

/** The config file (validated alone first, so a wrong-typed section is named), then the flags over it. */
async function configFromCommandLine(options: RunOptions): Promise<{ config: ResolvedConfig; referencedPlanUid: string | undefined }> {
  const file = options.config === undefined ? {} : await readConfigFile(options.config);
  // Validated alone first; the flags then go over the file as written, so that defaults that
  // depend on other fields (transport.nuclear on the particle) are resolved once, with the flags.
  parseConfig(file, { source: options.config === undefined ? undefined : `--config ${options.config}` });
  const base = file as { beam?: object; transport?: object; scoring?: object; phantom?: { ct?: object } };
  if (options.huCalibration !== undefined && options.ct === undefined && base.phantom?.ct === undefined) {
    throw new BraggInputError('--hu-calibration calibrates a CT: give --ct (or phantom.ct in the config) too');
  }
  // Flags' paths are the working directory's; the config file's are its folder's (loadPhantom).
  const ct = options.ct === undefined ? {} : { file: resolve(options.ct) };
  const calibration = options.huCalibration === undefined ? {} : { calibration: { csvFile: resolve(options.huCalibration) } };
  const energy = parseNumberOption('--energy', options.energy);
  const histories = parseNumberOption('--histories', options.histories);
  const seed = parseNumberOption('--seed', options.seed);
  const withFlags = {
    ...base,
    beam: { ...base.beam, ...(options.particle !== undefined ? { particle: options.particle } : {}), ...(energy !== undefined ? { energyMeVPerU: energy } : {}) },
    transport: {
      ...base.transport,
      ...(histories !== undefined ? { histories } : {}), ...(seed !== undefined ? { seed } : {}),
      ...(options.kernel !== undefined ? { kernel: options.kernel } : {}),
      ...(options.nuclear === false ? { nuclear: false } : {}),
    },
    ...(options.let === false ? { scoring: { ...base.scoring, let: false } } : {}),
    ...(options.solver !== undefined ? { solver: options.solver } : {}),
    ...(options.ct !== undefined || options.huCalibration !== undefined ? { phantom: { ...base.phantom, ct: { ...base.phantom?.ct, ...ct, ...calibration } } } : {}),
  };
  // --plan FILE: a DICOM RT Ion Plan (through the beam model) or a JSON plan section { "fields": [...] }.
  const model = options.beamModel === undefined ? undefined : parseBeamModel(await readConfigFile(options.beamModel, '--beam-model'), `--beam-model ${options.beamModel}`);
  if (model && options.plan === undefined) throw new BraggInputError('--beam-model converts a DICOM RT Ion Plan: give --plan too');
  const planFile = options.plan === undefined ? undefined : await readPlanFile(options.plan, model);
  if (planFile && (file as { plan?: unknown }).plan !== undefined) throw new BraggInputError(`--plan ${options.plan}: the config file has a plan section too; give one of them`);
  if (planFile?.particle && options.particle !== undefined && options.particle !== planFile.particle) {
    throw new BraggInputError(`--particle ${options.particle}: the RT Ion Plan ${options.plan} is a ${planFile.particle} plan`);
  }
  const withPlan = planFile === undefined ? withFlags
    : { ...withFlags, plan: planFile.plan, ...(planFile.particle ? { beam: { ...withFlags.beam, particle: planFile.particle } } : {}) };
  const config = await loadPhantom(parseConfig(withPlan, { fieldNames: FLAG_FIELDS }), { baseDir: options.config === undefined ? process.cwd() : dirname(resolve(options.config)) });
  const ctFrame = config.phantom.voxels instanceof CtPhantom ? config.phantom.voxels.dicom?.frameOfReferenceUid : undefined;
  if (planFile?.dicom && ctFrame && planFile.dicom.frameOfReferenceUid && planFile.dicom.frameOfReferenceUid !== ctFrame) {
    throw new BraggInputError(`--plan ${options.plan}: frame of reference ${planFile.dicom.frameOfReferenceUid} is not the CT's (${ctFrame})`);
  }
  return { config, referencedPlanUid: planFile?.dicom?.sopInstanceUid };
}

/** Run options from the flags (validated again by simulate()). */
function simulateOptions(options: RunOptions): SimulateOptions {
  const threads = parseNumberOption('--threads', options.threads);
  const memoryLimitMiB = parseNumberOption('--memory-limit', options.memoryLimit);
  if (memoryLimitMiB !== undefined && !(memoryLimitMiB >= 1 && memoryLimitMiB <= 2 ** 32)) {
    throw new BraggInputError(`--memory-limit must be from 1 to ${2 ** 32} MiB, got ${options.memoryLimit}`);
  }
  return {
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(memoryLimitMiB !== undefined ? { memoryLimitBytes: Math.floor(memoryLimitMiB * 2 ** 20) } : {}),
  };
}

const isDeterministic = (r: SimulationResult | DeterministicResult): r is DeterministicResult => 'solver' in r.summary;

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

function monteCarloText(result: SimulationResult): string {
  const s = result.summary;
  return [
    `${s.histories} ${s.particle} histories at ${s.energyMeVPerU} MeV/u, seed ${s.seed}, ${s.backend}-${s.variant}, ${s.threads} thread${s.threads === 1 ? '' : 's'}`,
    ...(result.config.plan || result.config.beam.gantryAngleDeg !== undefined
      // depth-dose figures are along the grid's z, the beam's own axis only without a room geometry
      ? [`  beams from the room (gantry angles): depth-dose figures along z left out; see dose.npy, rtdose.dcm${result.config.plan ? ' (the plan\'s dose in Gy)' : ''}`]
      : [
        `  Bragg peak ${mm(s.peakDepthMm)}   R90 ${mm(s.r90Mm)}   R80 ${mm(s.r80Mm)}   R20 ${mm(s.r20Mm)}`,
        `  entrance/peak ${s.entranceToPeak.toFixed(3)}   range straggling ${s.rangeStragglingMm.toFixed(2)} mm`
          + (s.tailToPeak20Mm !== null && s.tailToPeak20Mm > 1e-3 ? `   tail 20 mm beyond the peak ${(100 * s.tailToPeak20Mm).toFixed(1)} % of the peak` : ''),
      ]),
    `  energy deposited ${s.energyDepositedMeVPerPrimary.toFixed(3)} MeV per primary`,
    ...(result.config.transport.nuclear
      ? [`  nuclear events ${s.nuclearEventsPerPrimary.toFixed(3)} per primary, ${s.neutralEnergyMeVPerPrimary.toFixed(3)} MeV per primary carried away by neutrals`]
      : []),
    `  ${s.wallSeconds.toFixed(2)} s wall, ${Math.round(s.historiesPerSecond)} histories/s, ${(s.stepsPerSecond / 1e6).toFixed(2)} M steps/s`,
  ].join('\n') + '\n';
}

const warn = (text: string) => process.stderr.write(`bragg: warning: ${text}\n`);

/** Tells the user, on stderr, when a run's numbers deserve a second look. */
function warnAboutDiagnostics(result: SimulationResult): void {
  const { summary, diagnostics } = result;
  if (summary.missedHistories > 0.5 * summary.histories) {
    warn(`${summary.missedHistories} of ${summary.histories} primaries missed the phantom`);
  }
  if (summary.abortedHistories > 0) warn(`${summary.abortedHistories} histories were stopped by the step guard (tiny steps or voxels?)`);
  if (diagnostics.listOverflows > 0) warn(`${diagnostics.listOverflows} histories touched more voxels than the scoring list holds: their variance is approximate`);
}

/** A progress bar on a terminal (not with --json): histories for the Monte Carlo, steps for the deterministic solver. */
function progressBar(options: RunOptions, unit: string): { onProgress?: SimulateOptions['onProgress']; stop(): void } {
  if (!process.stderr.isTTY || options.json) return { stop: () => undefined };
  const bar = new SingleBar({
    format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
    stream: process.stderr, hideCursor: true,
  }, Presets.shades_classic);
  let started = false;
  return {
    onProgress: (p) => {
      const [done, total] = 'historiesDone' in p ? [p.historiesDone, p.historiesTotal] : [p.stepsDone, p.totalSteps];
      if (!started) { bar.start(total, 0, { rate: 0 }); started = true; }
      bar.update(done, { rate: Math.round(done / Math.max(p.elapsedSeconds, 1e-9)) });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

/** --structures FILE: an RT Structure Set, read and checked before any transport (on a DICOM CT, the same frame of reference). */
async function structuresFromCommandLine(options: RunOptions, config: ResolvedConfig): Promise<StructureSet | undefined> {
  if (options.structures === undefined) return undefined;
  if (config.solver === 'deterministic') throw new BraggInputError('--structures: DVHs are taken of the Monte Carlo\'s 3-D dose; the deterministic solver\'s is integrated over y');
  const size = await regularFileBytes(options.structures, `--structures ${options.structures}`, 'the structure set');
  if (size > MAX_STRUCTURE_SET_BYTES) throw new BraggInputError(`--structures ${options.structures}: ${size} bytes, more than a structure set (at most ${MAX_STRUCTURE_SET_BYTES})`);
  const structures = rtStructFromBytes(await readWhole(options.structures, `--structures ${options.structures}`, size), options.structures);
  const ct = config.phantom.voxels;
  const frame = ct instanceof CtPhantom ? ct.dicom?.frameOfReferenceUid : undefined;
  if (frame && structures.frameOfReferenceUid && frame !== structures.frameOfReferenceUid) {
    throw new BraggInputError(`--structures ${options.structures}: frame of reference ${structures.frameOfReferenceUid} is not the CT's (${frame})`);
  }
  return structures;
}

/** A structure set of many ROIs and fine contours is a few MB; dcmjs needs about 50 times a file's size to parse it. */
const MAX_STRUCTURE_SET_BYTES = 32 * 2 ** 20;

export async function runCommand(options: RunOptions): Promise<void> {
  const { config, referencedPlanUid } = await configFromCommandLine(options);
  const structures = await structuresFromCommandLine(options, config);
  const outputOptions = { ...(structures ? { structures } : {}), ...(referencedPlanUid ? { referencedPlanUid } : {}) };
  const runOptions = simulateOptions(options);
  if (config.solver === 'deterministic') {
    // Histories and seeds belong to the Monte Carlo: say so rather than ignore them silently.
    for (const [flag, value] of [['--histories', options.histories], ['--seed', options.seed]] as const) {
      if (value !== undefined) warn(`${flag} has no meaning for the deterministic solver (no histories, no random numbers)`);
    }
  }
  const folder = await openOutputFolder(options.out);
  const release = onTermination(() => folder.abandonSync());
  try {
    const progress = progressBar(options, config.solver === 'deterministic' ? 'steps' : 'histories');
    let result: SimulationResult | DeterministicResult;
    try {
      result = await simulate<unknown>(config, { ...runOptions, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }) as SimulationResult | DeterministicResult;
    } finally {
      progress.stop();
    }
    for (const text of result.warnings) warn(text);
    if (!isDeterministic(result)) warnAboutDiagnostics(result);
    if (!isDeterministic(result) && !rtDoseFits(result)) warn('rtdose.dcm left out: DICOM frames stop at 65535 rows and columns');
    if (structures && !isDeterministic(result)) {
      const rois = (summaryDocument(result, outputOptions).dvh as { rois: { name: string; voxels: number }[] } | undefined)?.rois ?? [];
      for (const roi of rois) if (roi.voxels === 0) warn(`ROI '${roi.name}' holds no voxel of the dose grid (outside it, or thinner than a voxel): its DVH metrics are 0`);
    }
    await folder.publish(runOutputFiles(result, outputOptions));
    const text = isDeterministic(result) ? deterministicText(result) : monteCarloText(result);
    process.stdout.write(options.json ? JSON.stringify(summaryDocument(result, outputOptions)) + '\n' : text + `  outputs in ${options.out}/\n`);
  } catch (error) {
    await folder.abandon();
    throw error;
  } finally {
    release();
  }
}

/** One file replaced atomically; a place that cannot be written is bad input, not a crash. */
export async function writeOutputFile(path: string, contents: string | Uint8Array, label: string): Promise<void> {
  try {
    await writeFileAtomically(path, contents);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new BraggInputError(`${label} ${path}: cannot write it (${code})`);
    throw error;
  }
}
