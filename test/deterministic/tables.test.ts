/**
 * Host-side tables of the deterministic solver (src/deterministic/README.md):
 * grid, scattering kernels, energy-loss map, streaming shifts and beam source.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type SimulationConfig } from '../../src/config/schema.js';
import { BraggInputError } from '../../src/errors.js';
import { buildRangeTable, csdaRange, getIon, getMaterial, stoppingPower, type MaterialId } from '../../src/physics/index.js';
import { interpolateLog } from '../../src/engine/materialTables.js';
import { erf, erfc, normalIntervalProbability } from '../../src/deterministic/normalDistribution.js';
import { buildPhaseSpaceGrid, storedRows, type PhaseSpaceGrid } from '../../src/deterministic/grid.js';
import type { DeterministicSettingsInput } from '../../src/deterministic/settings.js';
import { angularKernel, buildScatteringKernels } from '../../src/deterministic/scatteringKernels.js';
import { buildEnergyLossMap, placeInBins, type EnergyLossMap } from '../../src/deterministic/energyLossMap.js';
import { buildStreamingShifts } from '../../src/deterministic/streamingShifts.js';
import { buildBeamSource } from '../../src/deterministic/beamSource.js';
import { csdaStep } from '../../src/deterministic/csdaStep.js';
import { NUMERICAL_STRAGGLING_TOLERANCE, numericalStragglingRatios } from '../../src/deterministic/binsPerStep.js';

const proton = getIon('proton');
const water = getMaterial('water');
const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

function gridFor(config: SimulationConfig, settings: DeterministicSettingsInput = {}): PhaseSpaceGrid {
  return buildPhaseSpaceGrid(parseConfig(config), settings);
}

/** The BraggInputError message of a grid build that must fail. */
function gridError(config: SimulationConfig, settings: DeterministicSettingsInput = {}): string {
  try {
    gridFor(config, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(BraggInputError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the grid was built');
}

/** Side of a kernel (j = 0..J) as the full list j = -J..J. */
function fullKernel(side: Float64Array): { j: number; w: number }[] {
  const out: { j: number; w: number }[] = [];
  for (let j = -(side.length - 1); j < side.length; j++) out.push({ j, w: side[Math.abs(j)]! });
  return out;
}

describe('erf and normal interval probabilities', () => {
  // Python 3 math.erf / math.erfc (C library).
  const reference: [number, number, number][] = [
    [0.1, 0.1124629160182849, 0.8875370839817152], [0.5, 0.5204998778130465, 0.4795001221869535],
    [1.0, 0.8427007929497149, 0.15729920705028513], [1.5, 0.9661051464753108, 0.033894853524689274],
    [1.99, 0.995111413199617, 0.004888586800383003], [2.0, 0.9953222650189527, 0.004677734981047265],
    [2.5, 0.999593047982555, 0.0004069520174449589], [3.0, 0.9999779095030014, 2.2090496998585438e-05],
    [4.0, 0.9999999845827421, 1.541725790028002e-08], [6.0, 1.0, 2.1519736712498916e-17],
    [10.0, 1.0, 2.088487583762545e-45],
  ];
  it.each(reference)('x = %d', (x, erfX, erfcX) => {
    expect(Math.abs(erf(x) / erfX - 1)).toBeLessThan(2e-15);
    expect(Math.abs(erf(-x) / -erfX - 1)).toBeLessThan(2e-15);
    expect(Math.abs(erfc(x) / erfcX - 1)).toBeLessThan(x < 2 ? 1e-13 : 5e-15);
    expect(Math.abs(erfc(-x) - (2 - erfcX))).toBeLessThan(1e-15);
  });

  it('interval probabilities add up to 1 and keep tails accurate', () => {
    const edges = [-Infinity, -3, -1, -0.2, 0, 0.7, 2, 5, Infinity];
    const p = edges.slice(1).map((b, i) => normalIntervalProbability(edges[i]!, b));
    expect(Math.abs(sum(p) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(normalIntervalProbability(5, Infinity) / 2.866515718791939e-07 - 1)).toBeLessThan(1e-13);
    expect(() => normalIntervalProbability(1, 0)).toThrow();
  });
});

describe('phase-space grid', () => {
  it('default: one energy bin per 1 mm step in water from 150 MeV down to the cut-off; axis bin at nTheta/2', () => {
    const grid = gridFor({});
    expect([grid.nx, grid.nz, grid.dxMm, grid.dzMm, grid.stepMm, grid.originXMm]).toEqual([50, 300, 2, 1, 1, -50]);
    expect(grid.nTheta).toBe(72);
    expect(grid.dThetaRad).toBeCloseTo((0.5 * Math.PI) / 180, 15);
    expect(grid.thetaRad[36]).toBe(0);
    expect(grid.thetaRad[0]).toBeCloseTo(-grid.thetaMaxRad, 15);
    expect(grid.rangeStepGPerCm2).toBe(0.1);
    const top = csdaRange(proton, water, 150);
    const cutoff = csdaRange(proton, water, 0.5);
    expect(grid.ne).toBe(Math.floor((top - cutoff) / 0.1) + 1);
    expect(grid.energyMeVPerU[grid.ne - 1]).toBe(150);
    expect(Math.abs(grid.waterRangeGPerCm2[grid.ne - 1]! / top - 1)).toBeLessThan(1e-8);
    expect(grid.waterRangeGPerCm2[0]).toBeGreaterThanOrEqual(cutoff);
    expect(grid.waterRangeGPerCm2[0]! - 0.1).toBeLessThan(cutoff);
    for (const e of [0, 40, 120]) {
      // E_e is the energy whose water range is R_e (checked with the exact range integral).
      expect(Math.abs(csdaRange(proton, water, grid.energyMeVPerU[e]!) / grid.waterRangeGPerCm2[e]! - 1)).toBeLessThan(1e-8);
      expect(grid.energyMeV[e]).toBe(grid.energyMeVPerU[e]);
    }
  });

  it('energies per particle are A x per nucleon; energyBins spaces the bins from the top down to the cut-off', () => {
    const grid = gridFor({ beam: { particle: 'carbon', energyMeVPerU: 200, energySpreadMeVPerU: 1 }, phantom: { sizeMm: [40, 40, 150] } },
      { energyBins: 50, angleBins: 36, angleMaxDeg: 9 });
    expect(grid.ne).toBe(50);
    expect(grid.topEnergyMeVPerU).toBe(204);
    expect(grid.energyMeVPerU[49]).toBe(204);
    expect(grid.energyMeV[49]).toBe(12 * 204);
    expect(Math.abs(grid.energyMeVPerU[0]! / 0.5 - 1)).toBeLessThan(1e-9);
    expect(grid.dThetaRad).toBeCloseTo((0.5 * Math.PI) / 180, 15);
  });

  it('cells at y = 0: a material index per (material, density), regions included', () => {
    const grid = gridFor({
      phantom: {
        sizeMm: [40, 40, 50], voxelSizeMm: [2, 2, 1],
        regions: [
          { shape: 'slab', material: 'compact-bone', zMinMm: 10, zMaxMm: 20 },
          { shape: 'box', material: 'lung', minMm: [-10, -10, 30], maxMm: [10, 10, 40] },
          { shape: 'box', material: 'water', densityGPerCm3: 1.1, minMm: [-20, -20, 45], maxMm: [0, 20, 50] },
          { shape: 'box', material: 'titanium', minMm: [-20, 5, 0], maxMm: [20, 20, 5] }, // not at y = 0
        ],
      },
    });
    expect(grid.materials.map((m) => [m.id, m.densityGPerCm3])).toEqual([['water', 1], ['compact-bone', 1.85], ['lung', 0.26], ['water', 1.1]]);
    const at = (zMm: number, xMm: number) => grid.cellMaterial[Math.floor(zMm) * grid.nx + Math.floor((xMm + 20) / 2)];
    expect([at(2, 0), at(15, -19), at(35, 0), at(35, 15), at(47, -5), at(47, 5)]).toEqual([0, 1, 2, 0, 3, 0]);
    expect(grid.densityGPerCm3[Math.floor(35) * grid.nx + 10]).toBe(0.26);
    expect(grid.materials[3]!.range).toBe(grid.materials[0]!.range);
    expect(grid.materials[0]!.range).toBe(grid.water);
  });

  it('bins per step: K = 1 in water alone; chosen so that the numerical straggling of every material stays small', () => {
    expect(gridFor({}).binsPerStep).toBe(1);
    const slab = (material: MaterialId) => ({ beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [20, 20, 120] as [number, number, number],
      regions: [{ shape: 'slab' as const, material, zMinMm: 30, zMaxMm: 50 }] } });
    const coarse = gridFor(slab('compact-bone'), { energyBinsPerStep: 1, zSubdivisions: 1 });
    const ratios = numericalStragglingRatios(coarse, water);
    // water has none; compact bone at K = 1 over 19 times water's Bohr straggling (the bone case of issue 9)
    expect(ratios[0]!.every((r) => r === 0)).toBe(true);
    expect(ratios[1]![0]).toBeGreaterThan(10);
    const grid = gridFor(slab('compact-bone'), { zSubdivisions: 1 });
    const k = grid.binsPerStep!;
    expect(ratios[1]![k - 1]).toBeLessThanOrEqual(NUMERICAL_STRAGGLING_TOLERANCE);
    for (let smaller = 1; smaller < k; smaller++) expect(ratios[1]![smaller - 1]).toBeGreaterThan(NUMERICAL_STRAGGLING_TOLERANCE);
    expect(grid.binsPerStepWanted).toBeNull();
    expect(grid.rangeStepGPerCm2).toBeCloseTo(0.1 / k, 16);
    expect(Math.abs(grid.ne / (k * (coarse.ne - 1) + 1) - 1)).toBeLessThan(0.01);
    // a step of water still moves exactly K bins
    for (const e of [k + 1, 100, grid.ne - 1]) expect(csdaStep(grid, e, 0).positionBins).toBe(e - k);
    // the setting wins; it cannot be given with energyBins
    expect(gridFor(slab('compact-bone'), { energyBinsPerStep: 3 }).binsPerStep).toBe(3);
    expect(gridError(slab('lung'), { energyBinsPerStep: 2, energyBins: 100 })).toMatch(/energyBins and deterministic.energyBinsPerStep cannot both be given/);
  });

  it('cells: finer than the voxels where the Bragg peak is narrower than water\'s (grid.ts chooseSubdivisions); the settings win', () => {
    const slab = (material: MaterialId, energyMeVPerU: number) => ({ beam: { energyMeVPerU }, phantom: { sizeMm: [20, 20, 120] as [number, number, number],
      regions: [{ shape: 'slab' as const, material, zMinMm: 30, zMaxMm: 50 }] } });
    const cells = (g: ReturnType<typeof gridFor>) => [g.subdivisions.z, g.subdivisions.x, g.nz, g.nx, g.dzMm, g.dxMm, g.stepMm];
    expect(gridFor({}).subdivisions).toEqual({ z: 1, x: 1 });
    expect(gridFor(slab('lung', 100)).subdivisions).toEqual({ z: 1, x: 1 });
    expect(cells(gridFor(slab('titanium', 100)))).toEqual([4, 2, 480, 20, 0.25, 1, 0.25]);
    expect(gridFor(slab('compact-bone', 100)).subdivisions).toEqual({ z: 2, x: 2 });
    expect(gridFor(slab('compact-bone', 150)).subdivisions).toEqual({ z: 1, x: 1 });
    const titanium = gridFor(slab('titanium', 100));
    expect(titanium.cellMaterial[(30 * 4 - 1) * titanium.nx]).toBe(0);
    expect(titanium.materials[titanium.cellMaterial[30 * 4 * titanium.nx]!]!.id).toBe('titanium');
    expect(gridFor(slab('titanium', 100), { zSubdivisions: 3 }).subdivisions).toEqual({ z: 3, x: 1 });
    expect(gridFor(slab('titanium', 100), { stepMm: 1 }).subdivisions).toEqual({ z: 1, x: 1 });
    expect(gridError(slab('titanium', 100), { zSubdivisions: 2, stepMm: 1 })).toMatch(/deterministic.stepMm 1 mm is longer than/);
  });

  it('bins per step: as many as wasm32 memory allows for two psi buffers, the wanted K kept for a warning', () => {
    const wide = gridFor({ beam: { energyMeVPerU: 230 }, phantom: { sizeMm: [200, 40, 340],
      regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 50 }] } });
    expect(wide.binsPerStepWanted).toBeGreaterThan(wide.binsPerStep!);
    expect(16 * wide.ne * wide.nTheta * wide.storedRows * wide.nx).toBeLessThanOrEqual(4 * 2 ** 30);
  });

  it('stored rows: the lag of the slowest direction over the depth, the streaming\'s diffusion, 16 more; all rows for short steps', () => {
    const theta = (18 * Math.PI) / 180;
    expect(storedRows(300, 1, 1, theta)).toBe(61);   // 300 (1 - cos 18 deg) = 14.7, 8 sqrt(300 f (1 - f)) = 29.9
    expect(storedRows(120, 1, 1, theta)).toBe(41);
    expect(storedRows(300, 0.5, 1, theta)).toBe(243);   // half-cell shifts: a wide numerical spread
    expect(storedRows(300, 0.01, 1, theta)).toBe(300);
    expect(storedRows(20, 1, 1, theta)).toBe(20);
    expect(gridFor({}).storedRows).toBe(61);
  });

  it('refuses settings that break the grid, in one line each', () => {
    const small = { phantom: { sizeMm: [20, 20, 50] as [number, number, number] } };
    expect(gridError(small, { stepMm: 1.5 })).toMatch(/deterministic.stepMm 1.5 mm is longer than the voxel depth 1 mm/);
    expect(gridError({ phantom: { sizeMm: [20, 20, 50], voxelSizeMm: [0.25, 2, 1] } }))
      .toMatch(/stepMm 1 mm x sin\(angleMaxDeg 18\) = 0.3090 mm is wider than the voxel width 0.25 mm/);
    expect(() => gridFor({ phantom: { sizeMm: [20, 20, 50], voxelSizeMm: [0.25, 2, 1] } }, { angleMaxDeg: 14 })).not.toThrow();
    expect(gridError(small, { angleBins: 73 })).toMatch(/deterministic.angleBins: must be even/);
    expect(gridError(small, { angleBins: 6 })).toMatch(/deterministic.angleBins: must be at least 8/);
    expect(gridError(small, { energyBins: 4 })).toMatch(/deterministic.energyBins: must be at least 8/);
    expect(gridError(small, { angleMaxDeg: 90 })).toMatch(/deterministic.angleMaxDeg: must be below 90/);
    expect(gridError(small, { stepMm: -1 })).toMatch(/deterministic.stepMm/);
    expect(gridError(small, { step: 1 } as DeterministicSettingsInput)).toMatch(/unknown key deterministic.step/);
    expect(gridError({ ...small, beam: { energyMeVPerU: 0.4 } })).toMatch(/not above the cut-off energy 0.5 MeV\/u/);
    expect(gridError({ ...small, beam: { energyMeVPerU: 999, energySpreadMeVPerU: 1 } })).toMatch(/above the tables' 1000 MeV\/u/);
    expect(gridError({ ...small, beam: { energyMeVPerU: 5 } })).toMatch(/shorter than one step/);
  });

  it('stepMm is bounded (0.01 to 100 mm), and a grid too large for wasm32 memory is refused at once, naming the setting', () => {
    expect(gridError({}, { stepMm: 1e-300 })).toBe('invalid config: deterministic.stepMm: must be at least 0.01 mm');
    expect(gridError({}, { stepMm: 1e-6 })).toBe('invalid config: deterministic.stepMm: must be at least 0.01 mm');
    expect(gridError({}, { stepMm: 200 })).toBe('invalid config: deterministic.stepMm: must be at most 100 mm');
    expect(gridError({}, { stepMm: Number.NaN })).toMatch(/^invalid config: deterministic.stepMm: /);
    expect(gridError({}, { energyBinsPerStep: 17 })).toBe('invalid config: deterministic.energyBinsPerStep: must be at most 16');
    // 0.01 mm steps on the default phantom: 15782 energy bins, 254 GiB of psi; refused before any table is built
    const started = performance.now();
    const message = gridError({}, { stepMm: 0.01 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(message).toMatch(/^deterministic.stepMm 0.01 mm gives 15782 energy bins: the phase-space grid \(15782 energies x 72 angles x 300 x 50 cells\) needs 260080 MiB, more than the 4096 MiB of WebAssembly memory: use a step of at least 0.649 mm, or fewer angle bins or cells$/);
    expect(message).not.toMatch(/\n/);
    expect(gridError({}, { stepMm: 0.05, energyBinsPerStep: 4 })).toMatch(/^deterministic.stepMm 0.05 mm and deterministic.energyBinsPerStep 4 give 12626 energy bins: .*: use fewer bins per step, or fewer angle bins or cells$/);
    expect(gridError({ phantom: { sizeMm: [40, 40, 300] } }, { stepMm: 0.2, energyBinsPerStep: 2 }))
      .toMatch(/give 1579 energy bins: .*: use a step of at least 0.517 mm or fewer bins per step, or fewer angle bins or cells$/);
    // (with 61 of the 300 rows stored: storedRows)
    expect(gridError({}, { energyBins: 40_000 }))
      .toBe('deterministic.energyBins 40000: the phase-space grid (40000 energies x 72 angles x 300 x 50 cells, 61 of its 300 rows stored) needs 134034 MiB, '
        + 'more than the 4096 MiB of WebAssembly memory: use at most 1203 energy bins, or fewer angle bins or cells');
    expect(gridError({}, { angleBins: 720 }))
      .toMatch(/^deterministic.stepMm \(default: the voxel depth 1 mm\) gives 158 energy bins: .*: use fewer angle bins \(deterministic.angleBins\) or cells \(phantom.voxelSizeMm\)$/);
    expect(gridError({ phantom: { sizeMm: [100, 10, 300], voxelSizeMm: [0.1, 1, 0.1] } }, { angleBins: 3600, angleMaxDeg: 5 }))
      .toMatch(/needs .* MiB, more than the 4096 MiB of WebAssembly memory: use fewer angle bins \(deterministic.angleBins\) or cells \(phantom.voxelSizeMm\)$/);
    // the default step of a default phantom fits
    expect(gridFor({}).ne).toBe(158);
  });
});

describe('scattering kernels', () => {
  it.each([1e-6, 0.3, 1, 1.0000001, 1.7, 12.5, 400, 5000])('v = %d bins^2: weights sum to 1, mean 0, variance v', (v) => {
    const kernel = fullKernel(angularKernel(v));
    expect(kernel.length).toBe(v <= 1 ? 3 : 2 * Math.ceil(4 * Math.sqrt(v)) + 1);
    expect(Math.abs(sum(kernel.map((k) => k.w)) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(sum(kernel.map((k) => k.j * k.w)))).toBeLessThan(1e-15);
    expect(Math.abs(sum(kernel.map((k) => k.j * k.j * k.w)) / v - 1)).toBeLessThan(1e-12);
    expect(Math.min(...kernel.map((k) => k.w))).toBeGreaterThanOrEqual(0);
  });

  it('tables: every kernel of a water-bone-lung phantom sums to 1 with mean 0 and the half-step variance', () => {
    const grid = gridFor({ phantom: { sizeMm: [40, 40, 200], regions: [
      { shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 40 },
      { shape: 'slab', material: 'lung', zMinMm: 60, zMaxMm: 100 }] } }, { angleBins: 16, angleMaxDeg: 4 });
    const kernels = buildScatteringKernels(grid);
    const slots = 2 * kernels.jMax + 1;
    let folded = 0;
    for (let i = 0; i < kernels.halfWidth.length; i++) {
      const w = kernels.weights.subarray(i * slots, (i + 1) * slots);
      const jOf = (k: number) => k - kernels.jMax;
      const v = kernels.halfStepVarianceBins2[i]!;
      const width = kernels.halfWidth[i]!;
      expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-15);
      expect(Math.abs(sum(Array.from(w, (x, k) => jOf(k) * x)))).toBeLessThan(1e-15);
      expect(Array.from(w).every((x, k) => x >= 0 && (Math.abs(jOf(k)) <= width || x === 0))).toBe(true);
      expect(width).toBeLessThanOrEqual(grid.nTheta - 1);
      if (width === grid.nTheta - 1 && Math.ceil(4 * Math.sqrt(v)) > width) { folded++; continue; }
      expect(Math.abs(sum(Array.from(w, (x, k) => jOf(k) ** 2 * x)) / v - 1)).toBeLessThan(1e-12);
    }
    expect(folded).toBeGreaterThan(0); // the lowest bins scatter beyond a 16-bin grid
    expect(folded).toBeLessThan(kernels.halfWidth.length / 10);
  });

  it('Highland consistency: the full-step variances of a 150 MeV proton in water add up to the cumulative formula at 10 cm', () => {
    const grid = gridFor({});
    const kernels = buildScatteringKernels(grid);
    const nMat = grid.materials.length;
    let theta2 = 0;
    for (let k = 0; k < 100; k++) theta2 += 2 * kernels.halfStepVarianceBins2[(grid.ne - 1 - k) * nMat]! * grid.dThetaRad ** 2;

    // The Monte Carlo's sum (assembly/stepScalar.ts step 3) over 0.01 mm steps, on its tables.
    const table = buildRangeTable(proton, water, { binsPerDecade: 500 });
    const range0 = interpolateLog(table.csdaRangeGPerCm2, table.logEnergyMin, table.logEnergyStep, 150);
    const nucleonMass = proton.massMeV;
    const stepCm = 0.001;
    let integral = 0;
    let energy = 150;
    for (let k = 1; k <= 10_000; k++) {
      const next = interpolateLog(table.energyAtRangeMeVPerU, table.logRangeMin, table.logRangeStep, range0 - k * stepCm);
      const mid = (energy + next) / 2;
      const pv = (mid * (mid + 2 * nucleonMass)) / (mid + nucleonMass);
      integral += stepCm / water.radiationLengthGPerCm2 / (pv * pv);
      energy = next;
    }
    const reference = 14.1 ** 2 * integral * (1 + Math.log10(10 / water.radiationLengthGPerCm2) / 9) ** 2;
    expect(Math.abs(Math.sqrt(theta2 / reference) - 1)).toBeLessThan(0.01);
    // Tighter: both integrate the same formula (they agree to ~2e-6; theta0 = 32.0 mrad).
    expect(Math.abs(Math.sqrt(theta2 / reference) - 1)).toBeLessThan(1e-4);
  });
});

/** Checks what every entry of a loss map must satisfy; returns the mean target of entry i. */
function checkLossEntry(grid: PhaseSpaceGrid, loss: EnergyLossMap, e: number, m: number): number {
  const nMat = grid.materials.length;
  const i = e * nMat + m;
  let weightSum = 0, mean = 0, kept = 0, absorbed = 0;
  for (let k = 0; k < loss.slots; k++) {
    const w = loss.weights[i * loss.slots + k]!;
    const j = loss.firstBin[i]! + k;
    expect(w).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThanOrEqual(e);
    weightSum += w;
    mean += w * j;
    if (j < 0) absorbed += w; else if (w > 0) kept += w * grid.energyMeV[j]!;
  }
  expect(Math.abs(weightSum - 1)).toBeLessThan(2e-15);
  expect(loss.absorbed[i]).toBe(absorbed);
  expect(Math.abs(grid.energyMeV[e]! - kept - loss.depositMeV[i]!)).toBeLessThan(1e-12 * grid.energyMeV[e]!);
  expect(loss.depositMeV[i]).toBeGreaterThan(0);
  return mean;
}

describe('energy-loss map', () => {
  it.each([
    // [p, s, e, firstBin, weights, variance]
    [4.2, 0.3, 10, 3, [0.07, 0.66, 0.27], 0.3],   // three points: mean p, variance s
    [4.3, 0.01, 10, 4, [0.7, 0.3, 0], 0.21],      // s below f(1 - f): the two bins around p
    [9.6, 0.5, 10, 8, [0, 0.4, 0.6], 0.24],       // round(p) = e: two bins, none above e
    [4.0, 0.9, 10, 3, [0.45, 0.1, 0.45], 0.9],    // s + d^2 = 0.9: still three points
  ] as const)('placeInBins(p = %d, s = %d, e = %d)', (p, s, e, firstBin, weights, variance) => {
    const placement = placeInBins(p, s, e);
    expect(placement.firstBin).toBe(firstBin);
    placement.weights.forEach((w, k) => expect(w).toBeCloseTo(weights[k]!, 14));
    const mean = sum(placement.weights.map((w, k) => w * (firstBin + k)));
    expect(mean).toBeCloseTo(p, 14);
    expect(sum(placement.weights.map((w, k) => w * (firstBin + k - p) ** 2))).toBeCloseTo(variance, 14);
    expect(placement.varianceBins2).toBeCloseTo(variance, 14);
  });

  it.each([
    // [p, s, e]: s + d^2 > 1 (bins narrower than the straggling of a step)
    [4.0, 1.5, 20], [4.3, 1.2, 20], [7.7, 6.5, 30], [12.25, 0.95, 30],
  ] as const)('placeInBins(p = %d, s = %d, e = %d): the linear split convolved with a kernel, mean p and variance s exactly', (p, s, e) => {
    const placement = placeInBins(p, s, e);
    expect(placement.weights.length).toBeGreaterThan(3);
    expect(Math.min(...placement.weights)).toBeGreaterThanOrEqual(0);
    expect(sum(placement.weights)).toBeCloseTo(1, 14);
    expect(placement.firstBin + placement.weights.length - 1).toBeLessThanOrEqual(e);
    const mean = sum(placement.weights.map((w, k) => w * (placement.firstBin + k)));
    expect(mean).toBeCloseTo(p, 12);
    expect(sum(placement.weights.map((w, k) => w * (placement.firstBin + k - p) ** 2))).toBeCloseTo(s, 11);
    expect(placement.varianceBins2).toBeCloseTo(s, 11);
  });

  it('a wide placement whose bins would reach above e folds that part onto e', () => {
    const placement = placeInBins(1.5, 4, 3);
    expect(placement.firstBin + placement.weights.length - 1).toBe(3);
    expect(sum(placement.weights)).toBeCloseTo(1, 14);
    const mean = sum(placement.weights.map((w, k) => w * (placement.firstBin + k)));
    expect(mean).toBeLessThan(1.5);   // the folded tail lost some of its height
  });

  it('water: p = e - 1 exactly, three points with the Bohr variance, energy conserved', () => {
    const grid = gridFor({});
    const loss = buildEnergyLossMap(grid);
    expect(grid.materials.length).toBe(1);
    expect(loss.maxDropBins).toBe(2);
    for (let e = 1; e < grid.ne; e++) {
      expect(loss.positionBins[e]).toBe(e - 1);
      const mean = checkLossEntry(grid, loss, e, 0);
      expect(Math.abs(mean - (e - 1))).toBeLessThan(1e-12);
      expect(loss.firstBin[e]).toBe(e - 2);
      // Variance about p, against Bohr's formula written out here (MC constants, assembly/physicsConstants.ts).
      const end = grid.energyMeVPerU[e - 1]!;
      const mid = (grid.energyMeVPerU[e]! + end) / 2;
      const gamma = 1 + mid / proton.massMeV;
      const relativistic = gamma * gamma * (1 - (1 - 1 / (gamma * gamma)) / 2);
      const sigmaMeV = Math.sqrt(0.156915 * water.zOverAMolPerG * 0.1 * relativistic);
      const bohrBins2 = (sigmaMeV / stoppingPower(proton, water, end) / 0.1) ** 2;
      expect(Math.abs(loss.stragglingBins2[e]! / bohrBins2 - 1)).toBeLessThan(1e-8);
      expect(loss.slots).toBe(3);
      const variance = loss.weights[e * 3]! * 1 + loss.weights[e * 3 + 2]! * 1;
      expect(Math.abs(variance / bohrBins2 - 1)).toBeLessThan(1e-8);
      expect(loss.targetVarianceBins2[e]).toBe(loss.stragglingBins2[e]);
    }
    // Bin 0 steps below the cut-off: absorbed whole, all its energy deposited.
    expect(loss.absorbed[0]).toBe(1);
    expect(loss.depositMeV[0]).toBe(grid.energyMeV[0]);
  });

  it.each([['compact-bone', 1.85], ['lung', 0.26]] as const)(
    '%s: the mean end point is the CSDA range loss rho ds in the material, in water range; no target above e', (id, density) => {
      const grid = gridFor({ phantom: { sizeMm: [20, 20, 200], material: id } });
      const loss = buildEnergyLossMap(grid);
      const material = getMaterial(id);
      expect(grid.materials.map((m) => m.densityGPerCm3)).toEqual([density]);
      for (let e = 0; e < grid.ne; e++) {
        const mean = checkLossEntry(grid, loss, e, 0);
        if (loss.absorbed[e] === 1) continue;
        expect(Math.abs(mean - loss.positionBins[e]!)).toBeLessThan(1e-12);
      }
      // p against the exact range integrals: R_m(E_e) - R_m(E(p)) = rho ds, E(p) the energy of water range R_top - (ne - 1 - p) dR.
      for (const e of [30, 90, 150]) {
        const p = loss.positionBins[e]!;
        const endEnergy = grid.water.energyMeVPerU(grid.waterRangeGPerCm2[grid.ne - 1]! - (grid.ne - 1 - p) * grid.rangeStepGPerCm2);
        const rangeLoss = csdaRange(proton, material, grid.energyMeVPerU[e]!) - csdaRange(proton, material, endEnergy);
        expect(Math.abs(rangeLoss / (density * 0.1) - 1)).toBeLessThan(1e-6);
      }
      if (id === 'lung') expect(loss.positionBins[100]! % 1).not.toBe(0);
    });
});

describe('streaming shifts', () => {
  it('shiftX = ds sin(theta)/dx, shiftZ = ds cos(theta)/dz, at most one cell', () => {
    const grid = gridFor({ phantom: { sizeMm: [20, 20, 50], voxelSizeMm: [0.5, 2, 1] } }, { stepMm: 0.8, angleMaxDeg: 30, angleBins: 12 });
    const { shiftX, shiftZ } = buildStreamingShifts(grid);
    expect(shiftX[6]).toBe(0);
    expect(shiftZ[6]).toBe(0.8);
    expect(shiftX[0]).toBeCloseTo((0.8 * Math.sin(-Math.PI / 6)) / 0.5, 14);
    expect(shiftZ[0]).toBeCloseTo(0.8 * Math.cos(Math.PI / 6), 14);
    expect(Math.max(...Array.from(shiftX, Math.abs))).toBeLessThanOrEqual(1);
  });
});

describe('beam source', () => {
  it('sums to 1; its x variance is sigma^2 + dx^2/12 (sigma 3 mm, dx 2 mm)', () => {
    const config = parseConfig({ beam: { spotSigmaMm: [3, 7], centerMm: [0.6, 0] } });
    const grid = buildPhaseSpaceGrid(config);
    const source = buildBeamSource(config, grid);
    expect(Math.abs(sum(source.values) - 1)).toBeLessThan(1e-14);
    expect(source.missedFraction).toBeLessThan(1e-50);
    expect([source.firstEnergyBin, source.energyBinEnd]).toEqual([grid.ne - 1, grid.ne]);
    expect(source.thetaWeights[grid.nTheta / 2]).toBe(1);
    const xs = Array.from(source.xWeights, (_, x) => grid.originXMm + (x + 0.5) * grid.dxMm);
    const mean = sum(xs.map((x, i) => x * source.xWeights[i]!));
    const variance = sum(xs.map((x, i) => (x - mean) ** 2 * source.xWeights[i]!));
    expect(Math.abs(mean - 0.6)).toBeLessThan(0.01);
    expect(Math.abs(variance / (9 + 4 / 12) - 1)).toBeLessThan(0.01);
    expect(source.incidentEnergyMeV).toBeCloseTo(150, 12);
  });

  it('energy spread and divergence: Gaussians over the bins, each factor summing to 1', () => {
    const config = parseConfig({ beam: { particle: 'helium', energyMeVPerU: 150, energySpreadMeVPerU: 1.5, divergenceSigmaMrad: [20, 3] } });
    const grid = buildPhaseSpaceGrid(config);
    const source = buildBeamSource(config, grid);
    expect(Math.abs(sum(source.energyWeights) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(sum(source.thetaWeights) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(sum(source.values) - 1)).toBeLessThan(1e-14);
    const meanE = sum(Array.from(source.energyWeights, (w, e) => w * grid.energyMeVPerU[e]!));
    const varE = sum(Array.from(source.energyWeights, (w, e) => w * (grid.energyMeVPerU[e]! - meanE) ** 2));
    expect(Math.abs(meanE - 150)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(varE) / 1.5 - 1)).toBeLessThan(0.05);
    expect(Math.abs(source.incidentEnergyMeV / (4 * meanE) - 1)).toBeLessThan(1e-14);
    const tan = Array.from(grid.thetaRad, Math.tan);
    const varTheta = sum(tan.map((t, i) => t * t * source.thetaWeights[i]!));
    expect(Math.abs(Math.sqrt(varTheta) / 0.020 - 1)).toBeLessThan(0.02);
  });

  it('the part of the spot beyond the phantom misses it; an aim outside the phantom is refused', () => {
    const config = parseConfig({ phantom: { sizeMm: [100, 100, 50] }, beam: { centerMm: [48, 0], spotSigmaMm: 3 } });
    const grid = buildPhaseSpaceGrid(config);
    const source = buildBeamSource(config, grid);
    const missed = normalIntervalProbability(2 / 3, Infinity) + normalIntervalProbability(-Infinity, -98 / 3);
    expect(Math.abs(source.missedFraction / missed - 1)).toBeLessThan(1e-12);
    expect(Math.abs(sum(source.values) - (1 - missed))).toBeLessThan(1e-14);
    expect(source.missedEnergyMeV).toBeCloseTo(150 * missed, 12);
    const outside = parseConfig({ phantom: { sizeMm: [100, 100, 50] }, beam: { centerMm: [50, 0] } });
    expect(() => buildBeamSource(outside, buildPhaseSpaceGrid(outside))).toThrow(/beam.centerMm x 50 misses the phantom/);
  });
});
