// Nuclear events of protons in the CPU kernels (assembly/nuclear.ts, stepScalar.ts 5.).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo } from '../../src/engine/monteCarlo.js';
import { doseResults } from '../../src/engine/doseResults.js';
import { elasticTargets } from '../../src/engine/materialTables.js';
import { getMaterial } from '../../src/physics/index.js';

const sha256 = (a: Float64Array, b: Float64Array) =>
  createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).update(Buffer.from(b.buffer, b.byteOffset, b.byteLength)).digest('hex');
const bitsEqual = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Protons through water with a bone slab, pencil of 3 mm: the configuration of the bitwise tests. */
const slab = (nuclear: boolean | undefined, kernel: 'simd' | 'scalar' = 'simd') => ({
  beam: { energyMeVPerU: 150, spotSigmaMm: 3 },
  phantom: { sizeMm: [40, 40, 200] as [number, number, number], voxelSizeMm: [2, 2, 1] as [number, number, number],
    regions: [{ shape: 'slab' as const, material: 'compact-bone' as const, zMinMm: 20, zMaxMm: 40 }] },
  transport: { histories: 2000, seed: 17, kernel, ...(nuclear === undefined ? {} : { nuclear }) },
});

describe('nuclear interactions of protons', () => {
  // Probability of a nonelastic nuclear event before a proton stops in water:
  // ICRU Report 63 (2000) p-16O nonelastic cross sections integrated along the
  // CSDA path with NIST PSTAR ranges (issue 10; shared/reference/nuclear_icru63.txt,
  // section D; src/physics/nuclear/README.md). The kernel's sampled fraction
  // (primaries ending in a nonelastic event) is held to within 5 % relative.
  // p-p elastic events take energy from some primaries before they could have
  // had theirs, which lowers the sampled fraction by about 1.5 % relative
  // (measured: 5.41 / 9.10 / 15.64 / 23.65 / 28.57 % with 1e5 histories).
  // 2e5 histories: one sigma is 1.0 % relative at 70 MeV, 0.3 % at 230 MeV.
  it.each([[70, 5.5], [100, 9.0], [150, 15.9], [200, 24.0], [230, 29.0]])(
    'the fraction of %i MeV primaries with a nonelastic event before stopping in water is within 5 percent of %s percent', async (energy, percent) => {
      // One voxel across (no escape sideways), 10 mm slabs: steps end on energy loss, as in the CSDA integral.
      const config = parseConfig({
        beam: { energyMeVPerU: energy, spotSigmaMm: 0 },
        phantom: { sizeMm: [400, 400, 400], voxelSizeMm: [400, 400, 10] },
        transport: { histories: 200_000, seed: 3, nuclear: true },
      });
      const r = doseResults(await runMonteCarlo(config));
      expect(r.energy.escapedMeVPerPrimary).toBeLessThan(1e-3 * energy);
      expect(Math.abs(100 * r.primaryNonelasticPerPrimary - percent) / percent).toBeLessThan(0.05);
      expect(r.stackOverflows).toBe(0);
      expect(r.abortedHistories).toBe(0);
    });

  it('elastic targets heavier than hydrogen: oxygen alone in water; four slots in bone, every element in one', () => {
    const water = elasticTargets(getMaterial('water'));
    expect(water.massNumbers).toHaveLength(1);
    expect(water.massNumbers[0]).toBeCloseTo(15.999, 2);
    expect(water.slotOfElement).toEqual(getMaterial('water').elements.map((e) => (e.atomicNumber === 1 ? -1 : 0)));
    const bone = elasticTargets(getMaterial('compact-bone'));
    expect(bone.massNumbers).toHaveLength(4);
    expect(bone.massNumbers[0]).toBeCloseTo(15.999, 2); // oxygen has most of bone's elastic events
    getMaterial('compact-bone').elements.forEach((e, i) => expect(bone.slotOfElement[i]! >= 0).toBe(e.atomicNumber !== 1));
    expect(bone.slotOfElement.every((k) => k < 4)).toBe(true);
  });

  it('SIMD and scalar kernels give bit-identical dose with nuclear events on, and so do the two drivers of the SIMD build', async () => {
    const simd = await simulate(slab(true, 'simd'), { threads: 1 });
    const scalar = await simulate(slab(true, 'scalar'), { threads: 1 });
    expect(simd.summary.nuclearEventsPerPrimary).toBeGreaterThan(0.3);
    expect(bitsEqual(simd.dose, scalar.dose)).toBe(true);
    expect(bitsEqual(simd.uncertainty, scalar.uncertainty)).toBe(true);
    const config = parseConfig(slab(true));
    const lanes = doseResults(await runMonteCarlo(config)).doseGyPerPrimary;
    const reference = doseResults(await runMonteCarlo(config, { referenceDriver: true })).doseGyPerPrimary;
    expect(bitsEqual(lanes, reference)).toBe(true);
  });

  it('the dose does not depend on the thread count or the chunk size with nuclear events on', async () => {
    const one = await simulate(slab(true), { threads: 1 });
    const two = await simulate(slab(true), { threads: 2, chunkSize: 37 });
    expect(two.summary.threads).toBe(2);
    expect(bitsEqual(one.dose, two.dose)).toBe(true);
    expect(bitsEqual(one.uncertainty, two.uncertainty)).toBe(true);
    expect(one.summary.neutralEnergyMeVPerPrimary).toBe(two.summary.neutralEnergyMeVPerPrimary);
  });

  it('with transport.nuclear false the dose is bit for bit that of the kernels before nuclear events; absent, it is on for protons', async () => {
    const absent = await simulate(slab(undefined), { threads: 1 });
    const on = await simulate(slab(true), { threads: 1 });
    const off = await simulate(slab(false), { threads: 1 });
    expect(bitsEqual(absent.dose, on.dose)).toBe(true);
    expect(absent.summary.nuclearEventsPerPrimary).toBeGreaterThan(0.1);
    // Hash of dose and uncertainty from the kernels of commit bdc7308 (before nuclear events).
    expect(sha256(off.dose, off.uncertainty)).toBe('339e2f313e7187c2c61b4d5a979059bdbe7438eacb5ad8d31b913e46fe0676c0');
    expect(off.summary.nuclearEventsPerPrimary).toBe(0);
    expect(off.summary.neutralEnergyMeVPerPrimary).toBe(0);
  });

  it('is on by default for ions too (their fragmentation: test/monteCarlo/fragmentation.test.ts), and off when asked', async () => {
    const run = (nuclear?: boolean) => simulate({ beam: { particle: 'carbon', energyMeVPerU: 200 }, phantom: { sizeMm: [20, 20, 100] }, transport: { histories: 100, nuclear } }, { threads: 1 });
    const fragmenting = await run();
    expect(fragmenting.config.transport.nuclear).toBe(true);
    expect(fragmenting.summary.nuclearEventsPerPrimary).toBeGreaterThan(0.1);
    expect((await run(false)).summary.nuclearEventsPerPrimary).toBe(0);
  });

  it('lowers the Bragg peak against the entrance and sends a few % of the energy off as neutrals (150 MeV, water)', async () => {
    const run = (nuclear: boolean) => simulate({
      beam: { energyMeVPerU: 150, spotSigmaMm: 3 },
      phantom: { sizeMm: [100, 100, 200], voxelSizeMm: [4, 4, 1] },
      transport: { histories: 10_000, seed: 21, nuclear },
    }, { threads: 1 });
    const [off, on] = [await run(false), await run(true)];
    const peakToEntrance = (r: typeof on) => Math.max(...r.depthDose.dose) / r.depthDose.dose[0]!;
    // Measured: peak/entrance 6.90 off, 5.05 on; deposited 150.00 and 143.74 MeV (-4.2 %); neutral 6.03 MeV; R80 157.69 and 157.58 mm.
    expect(peakToEntrance(on)).toBeLessThan(0.8 * peakToEntrance(off));
    const lost = 1 - on.summary.energyDepositedMeVPerPrimary / off.summary.energyDepositedMeVPerPrimary;
    expect(lost).toBeGreaterThan(0.02);
    expect(lost).toBeLessThan(0.05);
    expect(on.summary.neutralEnergyMeVPerPrimary).toBeGreaterThan(0.02 * 150);
    expect(Math.abs(on.summary.r80Mm! - off.summary.r80Mm!)).toBeLessThan(0.5);
  });

  it('is taken by the deterministic solver too (test/deterministic/nuclear.test.ts), not ignored: its neutral energy and events are reported', async () => {
    const config = { beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [20, 20, 100] as [number, number, number], voxelSizeMm: [2, 2, 1] as [number, number, number] } };
    const on = await simulate({ ...config, transport: { nuclear: true }, solver: 'deterministic' }, { threads: 1 });
    const off = await simulate({ ...config, transport: { nuclear: false }, solver: 'deterministic' }, { threads: 1 });
    expect(on.summary.neutralEnergyMeVPerPrimary).toBeGreaterThan(1);
    expect(on.summary.nuclearEventsPerPrimary).toBeGreaterThan(0.09);
    expect(off.summary.neutralEnergyMeVPerPrimary).toBe(0);
    expect(off.summary.nuclearEventsPerPrimary).toBe(0);
  });
});
