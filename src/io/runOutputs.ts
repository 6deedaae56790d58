/**
 * The files of a run's output folder, the same for both solvers:
 * summary.json, depth_dose.csv/.svg, dose.npy, uncertainty.npy, density.npy
 * and material.npy, the same four and let_d as MetaImage (.mhd + .raw, float32 and bytes) and NRRD for
 * viewers (the deterministic dose is integrated over y, its
 * uncertainty 0); where the Monte Carlo scored LET, let_d.npy, let_t.npy,
 * let_d_primaries.npy (LET in water, keV/um) and let_d_medium.npy, and an
 * LETd column in depth_dose.csv (the deterministic solver scores no LET); for the Monte Carlo,
 * rtdose.dcm (DICOM RT Dose, io/dicom/rtDose.ts); with an RT Structure Set, dvh.csv and dvh.svg
 * (io/dvhFiles.ts). writeRunOutputs publishes them as one set with
 * manifest.json (outputFolder.ts).
 */
import type { SimulationResult } from '../simulate.js';
import type { DeterministicResult } from '../deterministic/deterministicResults.js';
import type { ResolvedConfig } from '../config/schema.js';
import { phantomMaps } from '../engine/phantomMaps.js';
import { phantomShape } from '../geometry/phantom.js';
import { encodeNpy } from './npy.js';
import { encodeRtDose, RT_DOSE_MAX_SIDE } from './dicom/rtDose.js';
import { CtPhantom } from '../geometry/ctPhantom.js';
import type { StructureSet } from './dicom/rtStruct.js';
import { dvhOutputs } from './dvhFiles.js';
import { encodeMetaImage, type MetaElementType, type MetaVoxels } from './metaImage.js';
import { encodeNrrd } from './nrrd.js';
import { depthDoseCsv } from './depthDoseCsv.js';
import { depthDoseSvg } from './depthDoseSvg.js';
import { openOutputFolder, type OutputFile } from './outputFolder.js';

/** The geometry in a few words, for plot titles: 'water', 'water with a compact-bone slab at 30-50 mm', 'water with 3 regions', 'the CT head.mhd'. */
export function geometryLabel(config: ResolvedConfig): string {
  const { material, regions, ct } = config.phantom;
  if (ct) return `the CT ${ct.file.split(/[\\/]/).pop()}`;
  if (regions.length === 0) return material;
  if (regions.length > 2) return `${material} with ${regions.length} regions`;
  const parts = regions.map((r) => (r.shape === 'slab'
    ? `a ${r.material} slab at ${r.zMinMm}-${r.zMaxMm} mm`
    : `a ${r.material} box at z ${r.minMm[2]}-${r.maxMm[2]} mm`));
  return `${material} with ${parts.join(' and ')}`;
}

/** What a run's outputs add to the result: an RT Structure Set for DVHs. */
export interface RunOutputOptions {
  readonly structures?: StructureSet;
  /** The DICOM RT Ion Plan the run computed: the RT Dose refers to it, and its dose is a fraction's. */
  readonly referencedPlanUid?: string;
}

/** summary.json: the summary, the lateral probe, the material list of material.npy, the warnings and the resolved config (every default filled in); with structures, the DVH metrics. */
export function summaryDocument(result: SimulationResult | DeterministicResult, options: RunOutputOptions = {}): Record<string, unknown> {
  const dvh = options.structures && isMonteCarlo(result) ? runDvh(result, options.structures) : null;
  return {
    ...result.summary,
    lateralProbe: result.lateralProbe,
    materialIds: phantomShape(result.config).materials,
    ...(result.config.plan ? { planParticles: planParticles(result.config) } : {}),
    ...(dvh ? { dvh: { doseUnit: dvh.unit, vAtLevelIs: 'fraction of the volume at 20 % of the grid\'s maximum dose or more', rois: dvh.outputs.metrics } } : {}),
    warnings: result.warnings,
    config: result.config,
  };
}

/**
 * `<name>.mhd` + `<name>.raw` and `<name>.nrrd` of a [z, y, x] grid (x fastest, the same order), in the
 * phantom's frame (summary.gridOriginMm: for regions x and y centred on (0, 0) and z the depth; for
 * a CT the CT's own frame), Offset / space origin the first voxel's centre. Doses and LET as float32,
 * materials as bytes; viewers (3D Slicer, ITK-SNAP) open either directly.
 */
function imageFiles(name: string, values: Float64Array | Float32Array | Uint8Array, summary: SimulationResult['summary'] | DeterministicResult['summary']): OutputFile[] {
  const [nz, ny, nx] = summary.gridShape;
  const [dz, dy, dx] = summary.voxelSizeMm;
  const [z0, y0, x0] = summary.gridOriginMm;
  const [voxels, elementType]: [MetaVoxels, MetaElementType] = values instanceof Uint8Array ? [values, 'MET_UCHAR'] : [Float32Array.from(values), 'MET_FLOAT'];
  const image = {
    dimSize: [nx, ny, nz] as const, spacingMm: [dx, dy, dz] as const, offsetMm: [x0 + dx / 2, y0 + dy / 2, z0 + dz / 2] as const,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], elementType, voxels,
  };
  const { mhd, raw } = encodeMetaImage(image, name);
  return [{ name: `${name}.mhd`, contents: mhd }, { name: `${name}.raw`, contents: raw }, { name: `${name}.nrrd`, contents: encodeNrrd(image) }];
}

/** The particles of a plan (the sum of its spots' weights), or null without a plan. */
export function planParticles(config: ResolvedConfig): number | null {
  if (!config.plan) return null;
  let total = 0;
  for (const field of config.plan.fields) for (const layer of field.layers) for (const spot of layer.spots) total += spot[2];
  return total;
}

/** Whether the grid's frames fit DICOM's 16-bit Rows and Columns (else rtdose.dcm is left out: runCommand warns). */
export const rtDoseFits = (result: SimulationResult | DeterministicResult): boolean =>
  result.summary.gridShape[1] <= RT_DOSE_MAX_SIDE && result.summary.gridShape[2] <= RT_DOSE_MAX_SIDE;

const isMonteCarlo = (result: SimulationResult | DeterministicResult): result is SimulationResult => !('solver' in result.summary);

/** The dose of rtdose.dcm and the DVHs: to water with scoring.doseToWater, else to medium; a plan's in Gy, otherwise per primary. */
function reportedDose(result: SimulationResult): { dose: Float64Array; unit: string; doseTo: 'MEDIUM' | 'WATER' } {
  const particles = planParticles(result.config);
  const base = result.doseToWater ?? result.dose;
  const doseTo = result.doseToWater ? 'WATER' : 'MEDIUM';
  return {
    dose: particles === null ? base : base.map((d) => d * particles),
    unit: `${particles === null ? 'Gy per primary' : 'Gy'}${doseTo === 'WATER' ? ', to water' : ''}`, doseTo,
  };
}

/** The DVHs of the reported dose, on the run's grid in the patient frame. */
function runDvh(result: SimulationResult, structures: StructureSet) {
  const [nz, ny, nx] = result.summary.gridShape;
  const [dz, dy, dx] = result.summary.voxelSizeMm;
  const [z0, y0, x0] = result.summary.gridOriginMm;
  const { dose, unit } = reportedDose(result);
  return { unit, outputs: dvhOutputs(dose, { nx, ny, nz, voxelSizeMm: [dx, dy, dz], lowCornerMm: [x0, y0, z0] }, structures, unit) };
}

/** rtdose.dcm: the dose to medium per primary on the run's grid (the CT's frame and identifiers where it came from a DICOM CT). */
function rtDoseFile(result: SimulationResult, options: RunOutputOptions): Uint8Array {
  const { summary } = result;
  const [nz, ny, nx] = summary.gridShape;
  const [dz, dy, dx] = summary.voxelSizeMm;
  const [z0, y0, x0] = summary.gridOriginMm;
  const voxels = result.config.phantom.voxels;
  // A plan's dose: per history times the plan's particles (its total weight, the weights being particles).
  const particles = planParticles(result.config);
  const reported = reportedDose(result);
  return encodeRtDose({
    dose: reported.dose,
    dimSize: [nx, ny, nz], spacingMm: [dx, dy, dz], firstCentreMm: [x0 + dx / 2, y0 + dy / 2, z0 + dz / 2],
    ...(voxels instanceof CtPhantom && voxels.dicom ? { identifiers: voxels.dicom } : {}),
    comment: `dose to ${reported.doseTo === 'WATER' ? 'water' : 'medium'}, ` + (particles === null ? 'Gy per primary particle'
      : `Gy${options.referencedPlanUid ? ' per fraction' : ''}, ${particles.toPrecision(6)} particles`),
    software: `bragg-engine ${summary.engineVersion}`, doseTo: reported.doseTo,
    ...(options.referencedPlanUid ? { referencedPlanUid: options.referencedPlanUid } : {}),
  });
}

export function runOutputFiles(result: SimulationResult | DeterministicResult, options: RunOutputOptions = {}): OutputFile[] {
  const { summary, depthDose, config } = result;
  const dvh = options.structures && isMonteCarlo(result) ? runDvh(result, options.structures).outputs : null;
  const maps = phantomMaps(config, summary.gridShape);
  const lets = 'let' in result ? result.let : null;
  const byCharge = 'doseByCharge' in result ? result.doseByCharge : null;
  const series = {
    depthMm: depthDose.depthMm, dose: depthDose.dose, uncertainty: depthDose.uncertainty, doseUnit: depthDose.doseUnit,
    ...('primaryFluence' in depthDose && depthDose.primaryFluence ? { primaryFluence: depthDose.primaryFluence } : {}),
    ...('doseByCharge' in depthDose && depthDose.doseByCharge ? { doseByCharge: depthDose.doseByCharge } : {}),
    ...(lets ? { letDKeVPerUm: lets.depthDWaterKeVPerUm } : {}),
  };
  const solver = 'solver' in summary ? ' (deterministic)' : '';
  const title = `${summary.energyMeVPerU} MeV/u ${summary.particle} in ${geometryLabel(config)}${solver}`;
  return [
    { name: 'summary.json', contents: JSON.stringify(summaryDocument(result, options), null, 2) + '\n' },
    ...(dvh ? [{ name: 'dvh.csv', contents: dvh.csv }, { name: 'dvh.svg', contents: dvh.svg }] : []),
    { name: 'depth_dose.csv', contents: depthDoseCsv(series) },
    { name: 'depth_dose.svg', contents: depthDoseSvg({ series, r80Mm: summary.r80Mm, title }) },
    { name: 'dose.npy', contents: encodeNpy(result.dose, summary.gridShape) },
    { name: 'uncertainty.npy', contents: encodeNpy(result.uncertainty, summary.gridShape) },
    { name: 'density.npy', contents: encodeNpy(maps.densityGPerCm3, summary.gridShape) },
    { name: 'material.npy', contents: encodeNpy(maps.materialIndex, summary.gridShape) },
    ...('doseToWater' in result && result.doseToWater ? [{ name: 'dose_water.npy', contents: encodeNpy(result.doseToWater, summary.gridShape) }] : []),
    ...(lets ? [
      { name: 'let_d.npy', contents: encodeNpy(lets.dWaterKeVPerUm, summary.gridShape) },
      { name: 'let_t.npy', contents: encodeNpy(lets.tWaterKeVPerUm, summary.gridShape) },
      { name: 'let_d_primaries.npy', contents: encodeNpy(lets.dPrimariesWaterKeVPerUm, summary.gridShape) },
      { name: 'let_d_medium.npy', contents: encodeNpy(lets.dMediumKeVPerUm, summary.gridShape) },
    ] : []),
    ...imageFiles('dose', result.dose, summary),
    ...imageFiles('uncertainty', result.uncertainty, summary),
    ...imageFiles('density', maps.densityGPerCm3, summary),
    ...imageFiles('material', maps.materialIndex, summary),
    ...(lets ? imageFiles('let_d', lets.dWaterKeVPerUm, summary) : []),
    ...(isMonteCarlo(result) && rtDoseFits(result) ? [{ name: 'rtdose.dcm', contents: rtDoseFile(result, options) }] : []),
    ...(byCharge ? [
      { name: 'dose_by_charge.npy', contents: encodeNpy(byCharge.doseGyPerPrimary, [byCharge.charges, ...summary.gridShape]) },
    ] : []),
  ];
}

/** Publishes a run's outputs into `dir` as one set (the API's counterpart of `bragg run --out`). */
export async function writeRunOutputs(dir: string, result: SimulationResult | DeterministicResult, options: RunOutputOptions = {}): Promise<void> {
  const folder = await openOutputFolder(dir, { label: 'output folder' });
  try {
    await folder.publish(runOutputFiles(result, options));
  } catch (error) {
    await folder.abandon();
    throw error;
  }
}
