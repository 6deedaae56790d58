import { describe, expect, it } from 'vitest';
import { parseConfig, type SimulationConfig } from '../../src/config/schema.js';
import { PSI_FLOOR, runDeterministic, writeTables, type StepBalance } from '../../src/deterministic/solver.js';
import { CONTROL_BYTES, runSolverLoop, writeWindow, type SolverJob } from '../../src/deterministic/solverLoop.js';
import { planSolverMemory } from '../../src/deterministic/solverMemory.js';
import { prepareSolverTables } from '../../src/deterministic/solverTables.js';
import { createSharedMemory, instantiateKernel, KERNEL_VARIANTS, type KernelVariant } from '../../src/engine/kernel.js';
import { simulate } from '../../src/simulate.js';
import { isMainThread } from 'node:worker_threads';
import { estimateSteps, ProgressReporter, type DeterministicProgress } from '../../src/deterministic/progress.js';
import { deterministicResults } from '../../src/deterministic/deterministicResults.js';

// Small phantoms keep these fast: 30 mm wide, 100 MeV protons (77 mm range in water). The
// electromagnetic operators alone (nuclear events: test/deterministic/nuclear.test.ts).
const small = (extra: SimulationConfig = {}): SimulationConfig => ({
  beam: { energyMeVPerU: 100, energySpreadMeVPerU: 0.5 },
  phantom: { sizeMm: [30, 30, 100], voxelSizeMm: [1, 1, 1] },
  transport: { nuclear: false },
  ...extra,
});

describe('deterministic solver: conservation', () => {
  it('conserves particles and energy to 1e-9 per step, through water, bone and lung', async () => {
    const config = parseConfig(small({
      phantom: {
        sizeMm: [30, 30, 100], voxelSizeMm: [1, 1, 1],
        regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 10, zMaxMm: 20 },
          { shape: 'box', material: 'lung', minMm: [-15, -15, 30], maxMm: [2, 15, 50] }],
      },
    }));
    const steps: StepBalance[] = [];
    const tallies = await runDeterministic(config, { onStep: (b) => steps.push(b) });
    expect(steps.length).toBeGreaterThan(40);
    let worstParticles = 0, worstEnergy = 0;
    for (const s of steps) {
      worstParticles = Math.max(worstParticles, Math.abs(s.particlesBefore - s.particlesAfter - s.escapedParticles - s.absorbedParticles) / s.particlesBefore);
      worstEnergy = Math.max(worstEnergy, Math.abs(s.energyBeforeMeV - s.energyAfterMeV - s.escapedEnergyMeV - s.depositedEnergyMeV) / s.energyBeforeMeV);
    }
    expect(worstParticles).toBeLessThan(1e-9);
    expect(worstEnergy).toBeLessThan(1e-9);
    // and over the whole run: every particle absorbed or escaped, every MeV deposited or escaped
    const { totals } = tallies;
    expect(tallies.remainingParticles).toBe(0);
    const incidentParticles = tallies.tables.source.values.reduce((a, v) => a + v, 0); // 1 less the spot's tails beyond the sides
    expect(incidentParticles).toBeGreaterThan(0.999);
    expect(Math.abs(incidentParticles - totals.absorbedParticles - totals.escapedParticles)).toBeLessThan(1e-9);
    expect(Math.abs(tallies.incidentEnergyMeV - totals.depositedEnergyMeV - totals.escapedEnergyMeV) / tallies.incidentEnergyMeV).toBeLessThan(1e-9);
    // no negative fluence anywhere: no negative dose
    expect(tallies.doseEnergyMeV.every((v) => v >= 0)).toBe(true);
  });

  it('gives the same dose, bit for bit, on 1 and 2 threads, scalar and SIMD', async () => {
    const config = parseConfig(small());
    const one = await runDeterministic(config, { threads: 1 });
    const two = await runDeterministic(config, { threads: 2 });
    const three = await runDeterministic(config, { threads: 3 }); // uneven shares, some ranks idle on small windows
    expect(Buffer.from(three.doseEnergyMeV.buffer).equals(Buffer.from(one.doseEnergyMeV.buffer))).toBe(true);
    const scalar = await runDeterministic(config, { threads: 1, variant: 'scalar' });
    expect(two.threads).toBe(2);
    expect(Buffer.from(two.doseEnergyMeV.buffer).equals(Buffer.from(one.doseEnergyMeV.buffer))).toBe(true);
    expect(Buffer.from(scalar.doseEnergyMeV.buffer).equals(Buffer.from(one.doseEnergyMeV.buffer))).toBe(true);
  });
});

describe('deterministic solver: a titanium slab with six bins per step (loss tables wider than three bins)', () => {
  it('conserves particles and energy to 1e-9 per step, and gives the same dose bit for bit on 1 and 2 threads, scalar and SIMD', async () => {
    const config = parseConfig(small({
      beam: { energyMeVPerU: 70 },
      phantom: { sizeMm: [30, 30, 50], voxelSizeMm: [1, 1, 1], regions: [{ shape: 'slab', material: 'titanium', zMinMm: 10, zMaxMm: 20 }] },
      deterministic: { energyBinsPerStep: 6, zSubdivisions: 1 },
    }));
    const steps: StepBalance[] = [];
    const one = await runDeterministic(config, { onStep: (b) => steps.push(b) });
    expect(one.tables.loss.slots).toBeGreaterThan(3);
    let worst = 0;
    for (const b of steps) {
      worst = Math.max(worst, Math.abs(b.particlesBefore - b.particlesAfter - b.escapedParticles - b.absorbedParticles) / b.particlesBefore,
        Math.abs(b.energyBeforeMeV - b.energyAfterMeV - b.escapedEnergyMeV - b.depositedEnergyMeV) / b.energyBeforeMeV);
    }
    expect(worst).toBeLessThan(1e-9);
    for (const options of [{ threads: 2 }, { threads: 1, variant: 'scalar' as const }]) {
      const other = await runDeterministic(config, options);
      expect(Buffer.from(other.doseEnergyMeV.buffer).equals(Buffer.from(one.doseEnergyMeV.buffer))).toBe(true);
    }
  });
});

describe('deterministic solver: convergence', () => {
  it('converges as the cells and the step are refined', async () => {
    // R80 and the lateral spread at mid-range, for dx = dz = ds = 2, 1, 0.5 mm: successive differences shrink
    const results = [];
    for (const cellMm of [2, 1, 0.5]) {
      const r = await simulate({ ...small({ phantom: { sizeMm: [30, 30, 100], voxelSizeMm: [cellMm, 1, cellMm] } }), solver: 'deterministic', scoring: { lateralProbeDepthMm: 40 } });
      results.push({ r80: r.summary.r80Mm!, sigma: r.lateralProbe!.sigmaXMm });
    }
    const [coarse, middle, fine] = results as [typeof results[0], typeof results[0], typeof results[0]];
    expect(Math.abs(middle.sigma - fine.sigma)).toBeLessThan(Math.abs(coarse.sigma - middle.sigma));
    expect(Math.abs(middle.sigma - fine.sigma) / fine.sigma).toBeLessThan(0.01);
    expect(Math.abs(middle.r80 - fine.r80)).toBeLessThan(0.2);
  });
});

describe('deterministic solver: step loop', () => {
  /**
   * Runs the loop on one thread from a block of psi in the top energy bins of
   * the first rows, every other value of both psi buffers set to `outside`;
   * returns the dose.
   */
  async function doseFrom(variant: KernelVariant, outside: number, storedRows?: number): Promise<Float64Array> {
    const tables = prepareSolverTables(parseConfig(small({
      beam: { energyMeVPerU: 60, energySpreadMeVPerU: 0.5 },
      phantom: { sizeMm: [12, 12, 40], voxelSizeMm: [1, 1, 1], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 5, zMaxMm: 8 }] },
    })));
    const { ne, nTheta, nz, nx } = tables.grid;
    const nMaterials = tables.grid.materials.length, jMax = tables.scattering.jMax, lossReach = tables.loss.maxDropBins;
    const lossSlots = tables.loss.slots;
    const rows = storedRows ?? nz;
    const plan = planSolverMemory({ ne, nTheta, nz, nx, rows, nMaterials, jMax, threads: 1, lossReach, lossSlots });
    const memory = createSharedMemory(plan.pages);
    writeTables(memory.buffer, plan, tables);
    const psiA = new Float64Array(memory.buffer, plan.psiA, plan.psiValues).fill(outside);
    new Float64Array(memory.buffer, plan.psiB, plan.psiValues).fill(outside);
    const window = { eLo: ne - 6, eHi: ne, zLo: 0, zHi: 2 };
    for (let e = window.eLo; e < window.eHi; e++) {
      // values by the index the value would have with every row stored
      const start = (e * nz + window.zLo) * nx * nTheta, end = (e * nz + window.zHi) * nx * nTheta, at = (e * rows + window.zLo) * nx * nTheta;
      for (let i = start; i < end; i++) psiA[at + i - start] = (0.5 + ((i * 0.6180339887498949) % 1)) * 1e-3;
    }
    writeWindow(new Int32Array(memory.buffer, plan.control, CONTROL_BYTES / 4), window);
    const job: SolverJob = { plan, ne, nTheta, nz, nx, rows, nMaterials, jMax, lossReach, lossSlots, probeFace: -1, floor: PSI_FLOOR, maxSteps: 4 * (ne + nz) };
    runSolverLoop(await instantiateKernel(variant, memory), memory.buffer, job, 0, 1, { barrier: () => {} });
    return Float64Array.from(new Float64Array(memory.buffer, plan.doseEnergyMeV, nz * nx));
  }

  it.each(KERNEL_VARIANTS)('never reads psi outside the window: NaN there, in both buffers, leaves the dose the same bit for bit (%s)', async (variant) => {
    const clean = await doseFrom(variant, 0);
    const poisoned = await doseFrom(variant, NaN);
    expect(clean.some((v) => v > 0)).toBe(true);
    expect(Buffer.from(poisoned.buffer).equals(Buffer.from(clean.buffer))).toBe(true);
    // psi holding 16 of the 40 rows (moved up with the window, which spans up to 11 rows here): the same dose, also with NaN outside
    const stored = await doseFrom(variant, NaN, 16);
    expect(Buffer.from(stored.buffer).equals(Buffer.from(clean.buffer))).toBe(true);
  });
});

describe('deterministic solver: stored rows', () => {
  const slab = parseConfig({ beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [30, 30, 100], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 50 }] },
    deterministic: { zSubdivisions: 1 }, transport: { nuclear: false } });

  it('psi holds a band of rows that moves with the beam: the dose of all rows bit for bit, on 1 and 2 threads, in a fraction of the memory', async () => {
    const all = await runDeterministic(slab, { storedRows: 100 });
    expect(slab.phantom.sizeMm[2]).toBe(100);
    const rows = all.tables.grid.storedRows;
    expect(rows).toBeLessThan(45);
    for (const threads of [1, 2]) {
      const band = await runDeterministic(slab, { threads });
      expect(band.steps).toBe(all.steps);
      expect(Buffer.from(band.doseEnergyMeV.buffer).equals(Buffer.from(all.doseEnergyMeV.buffer))).toBe(true);
      // (the threads' tallies add up in another order)
      if (threads === 1) expect(band.totals).toEqual(all.totals);
      else expect(Math.abs(band.totals.depositedEnergyMeV / all.totals.depositedEnergyMeV - 1)).toBeLessThan(1e-12);
      expect(band.totals.laggedParticles).toBe(0);
      expect(band.warnings).toEqual([]);
    }
  });

  it('rows lagging beyond the band are absorbed where they are: particles and energy still conserved each step, and a warning', async () => {
    const steps: StepBalance[] = [];
    const tallies = await runDeterministic(slab, { storedRows: 4, onStep: (b) => steps.push(b) });
    let worst = 0;
    for (const s of steps) {
      worst = Math.max(worst, Math.abs(s.particlesBefore - s.particlesAfter - s.escapedParticles - s.absorbedParticles) / s.particlesBefore,
        Math.abs(s.energyBeforeMeV - s.energyAfterMeV - s.escapedEnergyMeV - s.depositedEnergyMeV) / s.energyBeforeMeV);
    }
    expect(worst).toBeLessThan(1e-9);
    expect(tallies.totals.laggedParticles).toBeGreaterThan(1e-6);
    expect(tallies.totals.absorbedParticles).toBeGreaterThan(tallies.totals.laggedParticles);
    expect(tallies.warnings).toHaveLength(1);
    expect(tallies.warnings[0]).toMatch(/^\S+ of a primary's particles lagged more than 4 rows of cells behind the beam and were absorbed where they were/);
  });
});

describe('deterministic solver: progress', () => {
  it('ProgressReporter: at most every 100 ms while the run goes on, once at the end; a throwing callback is dropped with one warning', () => {
    let now = 1000;
    const calls: DeterministicProgress[] = [];
    const reporter = new ProgressReporter((p) => calls.push(p), 50, 1000, () => now);
    for (let step = 1; step <= 60; step++) { now += 30; reporter.update(step); }   // 1.8 s of 30 ms steps
    reporter.finish(60);
    expect(calls.map((c) => c.stepsDone)).toEqual([4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 60]);
    expect(calls.map((c) => c.totalSteps)).toEqual([...Array<number>(12).fill(50), 52, 56, 60, 60]);   // the estimate, or the steps done beyond it
    expect(calls.at(-1)).toEqual({ stepsDone: 60, totalSteps: 60, elapsedSeconds: 1.8 });
    const throwing = new ProgressReporter(() => { throw new Error('boom'); }, 10, 0, () => now);
    now += 1000;
    throwing.update(1);
    now += 1000;
    throwing.update(2);
    throwing.finish(3);
    expect(throwing.warnings).toEqual(['onProgress threw (boom) and was not called again; the run went on']);
  });

  it.each([1, 2])('runDeterministic on %i thread(s): calls on the caller\'s thread, ends with stepsDone = totalSteps = the steps run; a throwing callback does not stop it', async (threads) => {
    const config = parseConfig({ beam: { energyMeVPerU: 150 }, phantom: { sizeMm: [40, 40, 200], regions: [{ shape: 'slab', material: 'lung', zMinMm: 30, zMaxMm: 50 }] }, transport: { nuclear: false } });
    const calls: DeterministicProgress[] = [];
    const result = await runDeterministic(config, { threads, onProgress: (p) => { expect(isMainThread).toBe(true); calls.push(p); } });
    expect(result.warnings).toEqual([]);
    expect(calls.at(-1)).toMatchObject({ stepsDone: result.steps, totalSteps: result.steps });
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]!.stepsDone).toBeGreaterThanOrEqual(calls[i - 1]!.stepsDone);
      if (i < calls.length - 1) expect(calls[i]!.elapsedSeconds - calls[i - 1]!.elapsedSeconds).toBeGreaterThanOrEqual(0.099);
    }
    // the estimate (the top energy's steps along the axis, and 10 % for the tails) is near the steps run
    const estimate = estimateSteps(result.tables);
    expect(Math.abs(estimate / result.steps - 1)).toBeLessThan(0.1);
    let thrown = 0;
    const again = await runDeterministic(config, { threads, onProgress: () => { thrown++; throw new Error('no display'); } });
    expect(thrown).toBe(1);
    expect(again.warnings).toEqual(['onProgress threw (no display) and was not called again; the run went on']);
    expect(Array.from(again.doseEnergyMeV)).toEqual(Array.from(result.doseEnergyMeV));
  });

  it('the results carry the warnings of a throwing onProgress, an energy grid coarser than its materials want, a step shorter than a voxel', async () => {
    const tallies = await runDeterministic(parseConfig(small()), { onProgress: () => { throw new Error('x'); } });
    const results = deterministicResults(parseConfig(small()), tallies, 1, []);
    expect(results.warnings).toEqual(['onProgress threw (x) and was not called again; the run went on']);
    expect(results.summary.phaseSpaceGrid.energyBinsPerStep).toBe(1);
    const coarse = { ...tallies, tables: { ...tallies.tables, grid: { ...tallies.tables.grid, binsPerStepWanted: 4 } }, warnings: [] };
    expect(deterministicResults(parseConfig(small()), coarse, 1, []).warnings[0]).toMatch(/^the energy grid has 1 bins per step in water where the phantom's materials want 4 /);
    const halfStep = { ...tallies, tables: { ...tallies.tables, grid: { ...tallies.tables.grid, stepMm: 0.5 } }, warnings: [] };
    expect(deterministicResults(parseConfig(small()), halfStep, 1, []).warnings).toEqual([expect.stringMatching(/^deterministic.stepMm 0.5 mm is shorter than the solver's cell depth 1 mm \(the voxel depth over deterministic.zSubdivisions\): /)]);
  });
});
