import { describe, expect, it } from 'vitest';
import { gamma2d, sampleDosePlane, type DosePlane } from '../../src/analysis/gamma2d.js';

/**
 * An analytic proton-like dose on the x-z plane (arbitrary units): a plateau
 * rising to a peak near 60 mm with a distal fall-off (logistic, 80 %-20 %
 * width about 4 mm: gradient up to 8 % of the maximum per mm), times a
 * Gaussian lateral profile of sigma 5 mm.
 */
function braggLike(zMm: number, xMm: number, shiftZMm = 0): number {
  const z = zMm - shiftZMm;
  const depth = (0.4 + 0.6 * Math.exp(-(((z - 60) / 12) ** 2))) / (1 + Math.exp((z - 62) / 3));
  return depth * Math.exp(-(xMm * xMm) / (2 * 5 * 5));
}

/**
 * A broad, flat field (arbitrary units): dose rising 0.2 % per mm in depth up
 * to a fall-off at `rangeMm`, flat laterally within +-`halfWidthMm`, edges
 * 1.5 mm logistic. Flat enough that a 3 % scaling cannot be matched nearby.
 */
function flatField(zMm: number, xMm: number, rangeMm = 85, halfWidthMm = 15): number {
  return (1 + 0.002 * zMm) / (1 + Math.exp((zMm - rangeMm) / 1.5)) / (1 + Math.exp((Math.abs(xMm) - halfWidthMm) / 1.5));
}

/** Samples f at the voxel centres of an nz x nx grid with low corner (z0, x0). */
function plane(nz: number, nx: number, voxelSizeMm: [number, number], lowCornerMm: [number, number],
  f: (zMm: number, xMm: number) => number): DosePlane {
  const dose = new Float64Array(nz * nx);
  for (let iz = 0; iz < nz; iz++) {
    for (let ix = 0; ix < nx; ix++) {
      dose[iz * nx + ix] = f(lowCornerMm[0] + (iz + 0.5) * voxelSizeMm[0], lowCornerMm[1] + (ix + 0.5) * voxelSizeMm[1]);
    }
  }
  return { nz, nx, voxelSizeMm, lowCornerMm, dose };
}

// 0 to 100 mm in depth, -20 to 20 mm laterally, 0.5 mm voxels
const onFineGrid = (f: (zMm: number, xMm: number) => number) => plane(200, 80, [0.5, 0.5], [0, -20], f);
const criteria2pct2mm = { doseFraction: 0.02, distanceMm: 2 };
const criteria1pct1mm = { doseFraction: 0.01, distanceMm: 1 };

describe('bilinear sampling of a dose plane', () => {
  const p = plane(3, 2, [2, 1], [10, -1], (z, x) => z + 10 * x);
  it('is exact for a linear function between voxel centres, holds the edge value to the grid edge, NaN outside', () => {
    expect(sampleDosePlane(p, 12.7, 0.1)).toBeCloseTo(12.7 + 1, 12);
    expect(sampleDosePlane(p, 10.2, -0.9)).toBeCloseTo(11 - 5, 12); // edge voxel (z 11, x -0.5)
    expect(sampleDosePlane(p, 9.9, 0)).toBeNaN();
    expect(sampleDosePlane(p, 12, 1.01)).toBeNaN();
  });
});

describe('2-D global gamma (Low et al. 1998)', () => {
  const reference = onFineGrid((z, x) => braggLike(z, x));

  it('gives 100 % and gamma 0 for identical maps', () => {
    const r = gamma2d(reference, reference, criteria1pct1mm);
    expect(r.passRate).toBe(1);
    expect(r.maxGamma).toBe(0);
    expect(r.unmatchedPoints).toBe(0);
    expect(r.evaluatedPoints).toBeGreaterThan(1000);
  });

  it('passes a 1.5 mm depth shift at 2 %/2 mm but fails it at 1 %/1 mm in the distal fall-off', () => {
    const shifted = onFineGrid((z, x) => braggLike(z, x, 1.5));
    const loose = gamma2d(reference, shifted, criteria2pct2mm);
    expect(loose.passRate).toBe(1);
    expect(loose.maxGamma).toBeLessThan(1);
    const strict = gamma2d(reference, shifted, criteria1pct1mm);
    expect(strict.passRate).toBeLessThan(0.95);
    expect(strict.maxGamma).toBeGreaterThan(1.2);
    // The failures are in the gradients: restricted to the flat entrance (z < 30 mm), the shift passes 1 %/1 mm.
    const plateau = (p: DosePlane): DosePlane => ({ ...p, nz: 60, dose: Array.from(p.dose).slice(0, 60 * p.nx) });
    expect(gamma2d(plateau(reference), shifted, criteria1pct1mm).passRate).toBe(1);
  });

  it('fails a 3 % scaled flat field at 2 %/2 mm, and passes it at 3.5 %', () => {
    const flat = onFineGrid((z, x) => flatField(z, x));
    const scaled = onFineGrid((z, x) => 1.03 * flatField(z, x));
    const r = gamma2d(flat, scaled, criteria2pct2mm);
    expect(r.passRate).toBeLessThan(0.7); // only the edges, where a 3 % lower dose lies within 2 mm, pass
    expect(r.maxGamma).toBeGreaterThan(1.4);
    expect(gamma2d(flat, scaled, { doseFraction: 0.035, distanceMm: 2 }).passRate).toBe(1);
  });

  it('passes the same function sampled on grids of different spacing and extent', () => {
    const coarse = plane(100, 20, [1, 2], [0, -20], (z, x) => braggLike(z, x));
    const fine = plane(170, 100, [0.6, 0.4], [-1, -20], (z, x) => braggLike(z, x));
    for (const [a, b] of [[coarse, fine], [fine, coarse]] as const) {
      expect(gamma2d(a, b, criteria2pct2mm).passRate).toBe(1);
      expect(gamma2d(a, b, criteria1pct1mm).passRate).toBeGreaterThan(0.99);
    }
  });

  it('searches as far as 3 DTA: a narrow spot moved by 2.5 DTA has gamma 2.5', () => {
    // Spot of sigma 1 mm: near the reference spot, B's dose is far too low; the equal dose lies 5 mm away.
    const spot = (shiftXMm: number) => plane(100, 100, [0.2, 0.2], [40, -10], (z, x) => Math.exp(-((z - 50) ** 2 + (x - shiftXMm) ** 2) / 2));
    const r = gamma2d(spot(0), spot(5), criteria2pct2mm);
    expect(r.unmatchedPoints).toBe(0);
    expect(r.maxGamma).toBeCloseTo(2.5, 1);
  });

  it('counts reference points with no evaluated dose within the search as failing', () => {
    const leftHalf = plane(200, 30, [0.5, 0.5], [0, -20], (z, x) => braggLike(z, x)); // x from -20 to -5 mm
    const r = gamma2d(reference, leftHalf, criteria2pct2mm);
    expect(r.unmatchedPoints).toBeGreaterThan(0);
    expect(r.passRate).toBeLessThan(0.7);
    expect(r.passRate).toBeGreaterThan(0.1);
  });

  it('evaluates only reference points at or above the threshold', () => {
    let max = 0;
    for (const d of reference.dose as Float64Array) max = Math.max(max, d);
    // B is 5 % of the maximum too high, but only where A is below 6 % of its maximum.
    const lowDoseNoise = onFineGrid((z, x) => {
      const d = braggLike(z, x);
      return d < 0.06 * max ? d + 0.05 * max : d;
    });
    const above = (fraction: number) => Array.from(reference.dose).filter((d) => d >= fraction * max).length;
    const at10 = gamma2d(reference, lowDoseNoise, criteria1pct1mm);
    expect(at10.evaluatedPoints).toBe(above(0.1));
    expect(at10.passRate).toBe(1);
    const at0 = gamma2d(reference, lowDoseNoise, { ...criteria1pct1mm, thresholdFraction: 0 });
    expect(at0.evaluatedPoints).toBe(reference.nz * reference.nx);
    expect(at0.passRate).toBeLessThan(1);
  });

  it('takes well under a second for a 300 x 50 map with 2 % noise', () => {
    let seed = 12345;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.04;
    const field = (z: number, x: number) => flatField(z, x, 250, 20);
    const a = plane(300, 50, [1, 1], [0, -25], field);
    const b = plane(300, 50, [1, 1], [0, -25], (z, x) => field(z + 0.3, x) + noise());
    for (const criteria of [criteria2pct2mm, criteria1pct1mm]) {
      const started = performance.now();
      const r = gamma2d(a, b, criteria);
      const seconds = (performance.now() - started) / 1000;
      expect(r.evaluatedPoints).toBeGreaterThan(9000);
      expect(seconds).toBeLessThan(0.5);
    }
  });

  it('is still fast when every point fails and needs a long search (5 % too high everywhere)', () => {
    const field = (z: number, x: number) => flatField(z, x, 250, 20);
    const a = plane(300, 50, [1, 1], [0, -25], field);
    const b = plane(300, 50, [1, 1], [0, -25], (z, x) => field(z, x) + 0.05);
    const started = performance.now();
    const r = gamma2d(a, b, { ...criteria1pct1mm, thresholdFraction: 0 });
    const seconds = (performance.now() - started) / 1000;
    expect(r.evaluatedPoints).toBe(300 * 50);
    expect(r.passRate).toBeLessThan(0.5);
    expect(seconds).toBeLessThan(1.5); // about 0.4 s alone on one core of the 2-core CI machine; the margin is for a busy machine
  });
});
