/**
 * Settings of the deterministic phase-space solver (README.md, "Grid"): the
 * zod fragment that src/config/schema.ts holds as `deterministic`;
 * parseDeterministicSettings applies it alone (buildPhaseSpaceGrid's callers
 * may pass partial settings).
 */
import { z } from 'zod';
import { describeIssues } from '../config/schema.js';
import { BraggInputError } from '../errors.js';

export const deterministicSettingsSchema = z.strictObject({
  /** Path length of one transport step (mm); default: the voxel depth dz (and at most dz). */
  stepMm: z.number().min(0.01, 'must be at least 0.01 mm').max(100, 'must be at most 100 mm').optional(),
  /** Direction bins in the x-z plane; even, so that one bin is centred on the beam axis. */
  angleBins: z.number().int().min(8, 'must be at least 8').max(3600, 'must be at most 3600')
    .refine((n) => n % 2 === 0, 'must be even (one bin is centred on the beam axis)').default(72),
  /** Largest direction (degrees from +z) on the grid; the bins cover about ±angleMaxDeg. */
  angleMaxDeg: z.number().finite().gt(0, 'must be above 0').lt(90, 'must be below 90').default(18),
  /** Energy bins; default: K bins per step in water (energyBinsPerStep), down to the cut-off energy. */
  energyBins: z.number().int().min(8, 'must be at least 8').max(100_000, 'must be at most 100000').optional(),
  /**
   * K: energy bins a step in water moves (the bins' spacing is rho_water ds / K); default: chosen for the
   * phantom's materials (src/deterministic/binsPerStep.ts; 1 in water alone).
   */
  energyBinsPerStep: z.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').optional(),
  /**
   * Solver cells per voxel in depth (z) and across (x): the solver runs on cells of dz / zSubdivisions by
   * dx / xSubdivisions and sums their deposits back into the phantom's voxels; default: chosen from the
   * Bragg peak's width in the phantom's materials (grid.ts chooseSubdivisions; 1 in water alone).
   */
  zSubdivisions: z.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').optional(),
  xSubdivisions: z.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').optional(),
}).prefault({});

export type DeterministicSettingsInput = z.input<typeof deterministicSettingsSchema>;
export type DeterministicSettings = z.output<typeof deterministicSettingsSchema>;

/** The fragment under its config key, so that messages name 'deterministic.angleBins' as they will in the config. */
const underConfigKey = z.strictObject({ deterministic: deterministicSettingsSchema });

/** Validates the settings; throws BraggInputError naming every invalid field (one line). */
export function parseDeterministicSettings(input: unknown): DeterministicSettings {
  const result = underConfigKey.safeParse({ deterministic: input ?? {} });
  if (result.success) return result.data.deterministic;
  throw new BraggInputError(`invalid config: ${describeIssues(result.error, 'deterministic')}`);
}
