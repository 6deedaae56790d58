/**
 * The simulation config: plain JSON, validated with zod. Every object is
 * strict (an unknown key is an error, so a typo never falls back to a
 * default), and every field has the default of the reference scenario:
 * 150 MeV protons, 3 mm spot, 100 x 100 x 300 mm water phantom with
 * 2 x 2 x 1 mm voxels, 100 000 histories.
 */
import { z } from 'zod';
import { ION_IDS, MATERIAL_IDS } from '../physics/index.js';
import type { IonId, MaterialId } from '../physics/index.js';
import { BraggInputError } from '../errors.js';
import { deterministicSettingsSchema } from '../deterministic/settings.js';

const ionId = z.enum(ION_IDS as unknown as [IonId, ...IonId[]]);
const materialId = z.enum(MATERIAL_IDS as unknown as [MaterialId, ...MaterialId[]]);
const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const xy = z.tuple([z.number().finite(), z.number().finite()]);
const xyNonNegative = z.tuple([nonNegative, nonNegative]);
const xyz = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const xyzPositive = z.tuple([positive, positive, positive]);
/** Voxel edges below 10 um are refused: no dose grid needs them, and each would cost a step. */
const voxelEdge = z.number().finite().min(0.01, 'must be at least 0.01 mm');
/** A value for both x and y, or an [x, y] pair. */
const numberOrPair = z.union([nonNegative, xyNonNegative], { error: 'expected a non-negative number or an [x, y] pair' });
/** Beam divergence: the source model is small-angle (direction (theta_x, theta_y, 1), normalised). */
const divergenceMrad = z.union([nonNegative.max(100), z.tuple([nonNegative.max(100), nonNegative.max(100)])],
  { error: 'expected a divergence of at most 100 mrad, as a number or an [x, y] pair' });

/** Densities from 1e-6 g/cm^3 (below air at 1/1000 of sea-level pressure) to 30 g/cm^3 (above osmium, 22.6). */
const density = z.number().finite().min(1e-6, 'must be at least 1e-6 g/cm3').max(30, 'must be at most 30 g/cm3');

const materialOverride = z.strictObject({
  densityGPerCm3: density.optional(),
  meanExcitationEnergyEV: positive.optional(),
});

const boxRegion = z.strictObject({
  shape: z.literal('box'),
  material: materialId,
  densityGPerCm3: density.optional(),
  /** Corners in phantom coordinates (mm): x, y centred on the beam axis, z = depth. */
  minMm: xyz,
  maxMm: xyz,
}).refine((b) => b.minMm.every((v, i) => v < b.maxMm[i]!), { error: 'minMm must be below maxMm on every axis', path: ['maxMm'] });
const slabRegion = z.strictObject({
  shape: z.literal('slab'),
  material: materialId,
  densityGPerCm3: density.optional(),
  /** Depth interval (mm) covering the whole phantom laterally. */
  zMinMm: nonNegative,
  zMaxMm: positive,
}).refine((s) => s.zMinMm < s.zMaxMm, { error: 'zMinMm must be below zMaxMm', path: ['zMaxMm'] });

export const configSchema = z.strictObject({
  beam: z.strictObject({
    particle: ionId.default('proton'),
    energyMeVPerU: positive.default(150),
    /** One-sigma Gaussian energy spread (MeV/u); 0 = mono-energetic. */
    energySpreadMeVPerU: nonNegative.default(0),
    /** One-sigma Gaussian spot size in x and y (mm). */
    spotSigmaMm: numberOrPair.default(3),
    /** Beam axis position (x, y) in mm; the phantom is centred on (0, 0). */
    centerMm: xy.default([0, 0]),
    /** One-sigma angular divergence in x and y (mrad); 0 = parallel. */
    divergenceSigmaMrad: divergenceMrad.default(0),
  }).refine((b) => b.energySpreadMeVPerU <= b.energyMeVPerU / 3, {
    error: 'must be at most a third of energyMeVPerU (a wider Gaussian spread would reach negative energies)', path: ['energySpreadMeVPerU'],
  }).prefault({}),
  phantom: z.strictObject({
    /** Phantom size (x, y, z) in mm; z is depth along the beam, from 0. */
    sizeMm: xyzPositive.default([100, 100, 300]),
    voxelSizeMm: z.tuple([voxelEdge, voxelEdge, voxelEdge]).default([2, 2, 1]),
    material: materialId.default('water'),
    densityGPerCm3: density.optional(),
    /** Inserts, voxelised in order (a later one overwrites an earlier one) by voxel centre. */
    regions: z.array(z.union([boxRegion, slabRegion], { error: 'expected a region with shape \'box\' or \'slab\'' })).default([]),
  }).prefault({}),
  /** Per-material overrides, e.g. { "water": { "meanExcitationEnergyEV": 78 } } (ICRU 90). */
  materials: z.partialRecord(materialId, materialOverride).default({}),
  transport: z.strictObject({
    histories: z.number().int().positive().max(1e9, 'at most 1e9 per run: split larger jobs into runs with different seeds').default(100_000),
    seed: z.number().int().nonnegative().max(2 ** 53 - 1).default(1),
    /** Largest step (mm); steps also end at voxel boundaries. */
    maxStepMm: z.number().finite().min(0.01, 'must be at least 0.01 mm').default(5),
    /** Largest fraction of its energy a particle may lose in one step. */
    maxEnergyLossFraction: z.number().gt(0).max(0.5).default(0.2),
    /** Below this energy a particle deposits what it has left where it is (MeV/u). */
    cutoffEnergyMeVPerU: positive.default(0.5),
    /** 'simd' (default) or 'scalar', the reference kernel. */
    kernel: z.enum(['simd', 'scalar']).default('simd'),
  }).prefault({}),
  /** 'montecarlo' (default) or 'deterministic': the phase-space solver (2-D, dose integrated over y). */
  solver: z.enum(['montecarlo', 'deterministic']).default('montecarlo'),
  /** Grid and step of the deterministic solver (src/deterministic/README.md). */
  deterministic: deterministicSettingsSchema,
  scoring: z.strictObject({
    /** Depth (mm) of a voxel plane (rounded to the nearest) where the lateral spread of crossing primaries is recorded. */
    lateralProbeDepthMm: positive.optional(),
  }).prefault({}),
});

export type SimulationConfig = z.input<typeof configSchema>;
export type ResolvedConfig = z.output<typeof configSchema>;

/** One line naming every problem zod found, each with its path below `root` (e.g. 'beam.energyMeVPerU: ...'). */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
      return `unknown key ${keys}`;
    }
    return `${path || root}: ${issue.message}`;
  }).join('; ');
}

/** Validates a config; throws BraggInputError naming every invalid field. */
export function parseConfig(input: unknown): ResolvedConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new BraggInputError(`invalid config: ${describeIssues(result.error, 'config')}`);
}
