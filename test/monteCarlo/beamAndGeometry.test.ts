import { describe, expect, it } from 'vitest';
import { simulate, csdaRange, getIon, getMaterial, parseConfig } from '../../src/index.js';
import { buildPhantom } from '../../src/geometry/phantom.js';

const proton = getIon('proton');
const water = getMaterial('water');
const bone = getMaterial('compact-bone');

/** Energy (MeV) whose CSDA range in `material` is `rangeGPerCm2`, by bisection on csdaRange. */
function energyForRange(material: typeof water, rangeGPerCm2: number): number {
  let lo = 0.01, hi = 1000;
  for (let k = 0; k < 60; k++) {
    const mid = Math.sqrt(lo * hi);
    if (csdaRange(proton, material, mid) < rangeGPerCm2) lo = mid; else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

describe('phantom geometry', () => {
  it('voxelises boxes and slabs by voxel centre, later regions over earlier ones', () => {
    const config = parseConfig({
      phantom: {
        sizeMm: [10, 10, 10], voxelSizeMm: [2, 2, 2],
        regions: [
          { shape: 'slab', material: 'compact-bone', zMinMm: 4, zMaxMm: 6 },
          { shape: 'box', material: 'lung', densityGPerCm3: 0.3, minMm: [-5, -5, 0], maxMm: [0, 0, 10] },
        ],
      },
    });
    const p = buildPhantom(config, (id) => getMaterial(id).densityGPerCm3);
    expect([p.nx, p.ny, p.nz]).toEqual([5, 5, 5]);
    expect(p.materials).toEqual(['water', 'compact-bone', 'lung']);
    const at = (ix: number, iy: number, iz: number) => (iz * 5 + iy) * 5 + ix;
    expect(p.materialIndex[at(4, 4, 2)]).toBe(1);               // slab: z centre 5 mm
    expect(p.densityGPerCm3[at(4, 4, 2)]).toBeCloseTo(bone.densityGPerCm3, 6);
    expect(p.materialIndex[at(4, 4, 1)]).toBe(0);               // z centre 3 mm: water
    expect(p.materialIndex[at(0, 1, 2)]).toBe(2);               // box x, y < 0 overwrites the slab
    expect(p.densityGPerCm3[at(0, 1, 2)]).toBeCloseTo(0.3, 6);
    expect(p.materialIndex[at(3, 1, 2)]).toBe(1);               // x centre +1 mm: outside the box
  });

  it('a 20 mm compact-bone slab pulls R80 back by its extra water-equivalent thickness (within 1 mm)', async () => {
    const energy = 150;
    const common = { beam: { energyMeVPerU: energy, spotSigmaMm: 2 }, transport: { histories: 5000, seed: 21 } };
    const size: [number, number, number] = [40, 40, 200];
    const plain = await simulate({ ...common, phantom: { sizeMm: size } });
    const withSlab = await simulate({
      ...common,
      phantom: { sizeMm: size, regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 40 }] },
    });
    // Expected end of the CSDA path: 2 cm water, 2 cm bone, then water (ranges from the physics library).
    const e1 = energyForRange(water, csdaRange(proton, water, energy) - 2.0 * water.densityGPerCm3);
    const e2 = energyForRange(bone, csdaRange(proton, bone, e1) - 2.0 * bone.densityGPerCm3);
    const endMm = 40 + (csdaRange(proton, water, e2) / water.densityGPerCm3) * 10;
    const shiftExpected = (csdaRange(proton, water, energy) / water.densityGPerCm3) * 10 - endMm;
    expect(shiftExpected).toBeGreaterThan(10); // bone is denser than water in stopping
    expect(Math.abs(plain.summary.r80Mm! - withSlab.summary.r80Mm! - shiftExpected)).toBeLessThan(1.0);
  });
});

describe('beam model', () => {
  const phantom = { sizeMm: [60, 60, 200] as [number, number, number] };

  it('an energy spread widens the distal fall-off (R20 - R80) as sigma_E adds in quadrature', async () => {
    const mono = await simulate({ beam: { energyMeVPerU: 150 }, phantom, transport: { histories: 5000, seed: 4 } });
    const spread = await simulate({ beam: { energyMeVPerU: 150, energySpreadMeVPerU: 1.5 }, phantom, transport: { histories: 5000, seed: 4 } });
    const width = (s: typeof mono.summary) => s.r20Mm! - s.r80Mm!;
    // dR/dE = 1/S: 1.5 MeV at 150 MeV is 1.5 / 5.445 MeV cm2/g = 0.28 cm of extra range sigma (PSTAR water),
    // which must clearly widen the fall-off of ~1.7 mm range straggling.
    expect(width(spread.summary)).toBeGreaterThan(1.5 * width(mono.summary));
    expect(Math.abs(spread.summary.r80Mm! - mono.summary.r80Mm!)).toBeLessThan(1.5);
  });

  it('a divergence adds its sigma times the depth to the lateral spread', async () => {
    const config = (divergenceSigmaMrad: number) => ({
      beam: { energyMeVPerU: 150, spotSigmaMm: 0, divergenceSigmaMrad },
      phantom, transport: { histories: 5000, seed: 6 }, scoring: { lateralProbeDepthMm: 50 },
    });
    const parallel = (await simulate(config(0))).lateralProbe!;
    const diverging = (await simulate(config(20))).lateralProbe!;
    const expected = Math.hypot(parallel.sigmaXMm, 0.020 * 50);
    expect(Math.abs(diverging.sigmaXMm / expected - 1)).toBeLessThan(0.05);
  });

  it('the spot is centred where the beam is aimed', async () => {
    const r = await simulate({ beam: { energyMeVPerU: 100, centerMm: [5, -3], spotSigmaMm: [2, 4] }, phantom: { sizeMm: [60, 60, 100] },
      transport: { histories: 5000, seed: 2 }, scoring: { lateralProbeDepthMm: 10 } });
    const probe = r.lateralProbe!;
    expect(probe.meanXMm).toBeCloseTo(5, 0);
    expect(probe.meanYMm).toBeCloseTo(-3, 0);
    expect(probe.sigmaXMm).toBeGreaterThan(1.9);
    expect(probe.sigmaYMm).toBeGreaterThan(3.8);
    expect(probe.sigmaYMm / probe.sigmaXMm).toBeGreaterThan(1.8);
  });
});
