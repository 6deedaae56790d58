import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig, configSchema, BraggInputError } from '../src/index.js';

const problem = (input: unknown): string => {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BraggInputError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
};

describe('config validation', () => {
  it('transport.nuclear defaults to on, except for ions with the deterministic solver; configSchema stays a plain object schema', () => {
    expect(parseConfig({}).transport.nuclear).toBe(true);
    expect(parseConfig({ beam: { particle: 'carbon' } }).transport.nuclear).toBe(true);
    expect(parseConfig({ beam: { particle: 'carbon' }, solver: 'deterministic' }).transport.nuclear).toBe(false);
    expect(parseConfig({ solver: 'deterministic' }).transport.nuclear).toBe(true);
    expect(parseConfig({ beam: { particle: 'helium' }, transport: { nuclear: false } }).transport.nuclear).toBe(false);
    expect(parseConfig({}).scoring.let).toBe(true);
    expect('shape' in configSchema).toBe(true);
    const schema = z.toJSONSchema(configSchema) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('transport');
  });

  it('fills every default of the reference scenario', () => {
    const c = parseConfig({});
    expect(c.beam).toMatchObject({ particle: 'proton', energyMeVPerU: 150, spotSigmaMm: 3 });
    expect(c.phantom).toMatchObject({ sizeMm: [100, 100, 300], voxelSizeMm: [2, 2, 1], material: 'water' });
    expect(c.transport).toMatchObject({ histories: 100_000, seed: 1, kernel: 'simd' });
  });

  it.each([
    [{ beam: { energyMev: 100 } }, /unknown key beam\.energyMev/],
    [{ beem: {} }, /unknown key beem/],
    [{ beam: { particle: 'pion' } }, /beam\.particle/],
    [{ beam: { energyMeVPerU: -1 } }, /beam\.energyMeVPerU/],
    [{ beam: { energyMeVPerU: 100, energySpreadMeVPerU: 50 } }, /beam\.energySpreadMeVPerU: must be at most a third/],
    [{ beam: { divergenceSigmaMrad: 1e9 } }, /beam\.divergenceSigmaMrad/],
    [{ beam: { spotSigmaMm: [1] } }, /beam\.spotSigmaMm: expected a number from 0 to 500 mm or an \[x, y\] pair/],
    [{ phantom: { densityGPerCm3: 1e-30 } }, /phantom\.densityGPerCm3: must be at least 1e-6/],
    [{ phantom: { voxelSizeMm: [2, 2, 1e-4] } }, /phantom\.voxelSizeMm\.2: must be at least 0\.01 mm/],
    [{ phantom: { regions: [{ shape: 'box', material: 'air', minMm: [0, 0, 10], maxMm: [5, 5, 5] }] } }, /phantom\.regions\.0\.maxMm: minMm must be below maxMm/],
    [{ phantom: { regions: [{ shape: 'sphere', material: 'air' }] } }, /phantom\.regions\.0\.shape: expected a region with shape 'box' or 'slab'/],
    [{ materials: { unobtainium: {} } }, /materials/],
    [{ transport: { histories: 0 } }, /transport\.histories/],
    [{ transport: { histories: 2e9 } }, /at most 1e9/],
    [{ transport: { maxStepMm: 1e-5 } }, /transport\.maxStepMm: must be at least 0\.01 mm/],
    [{ transport: { maxEnergyLossFraction: 0.9 } }, /transport\.maxEnergyLossFraction/],
  ])('%j is refused, naming the field', (input, pattern) => {
    expect(problem(input)).toMatch(pattern);
  });

  it('names every invalid field at once', () => {
    const message = problem({ beam: { energyMeVPerU: 0 }, transport: { seed: -1 } });
    expect(message).toMatch(/beam\.energyMeVPerU/);
    expect(message).toMatch(/transport\.seed/);
  });
});
