/**
 * Comparison of two dose distributions as `bragg compare` does it: both are
 * reduced to the dose integrated over y on the x-z plane (the quantity a 2-D
 * solver of a beam uniform in y computes, and the Monte Carlo's pencil-beam
 * dose integrated over y: issue 5), then compared by 2-D global gamma
 * (2 %/2 mm and 1 %/1 mm) and by the R80 of their laterally integrated
 * depth-doses.
 */
import { BraggInputError } from '../errors.js';
import { depthDoseMetrics } from './depthDose.js';
import { gamma2d, type DosePlane, type Gamma2dResult } from './gamma2d.js';

/** What `bragg compare` compares, in words, for its outputs. */
export const COMPARED_QUANTITY = 'dose integrated over y (Gy mm per primary) on the x-z plane';

/** The value of summary.json's `doseProjection` for a dose that is already integrated over y. */
export const INTEGRATED_OVER_Y = 'integrated over y';

/** A run's dose grid, in summary.json's [z, y, x] order. */
export interface RunGrid {
  /** [nz, ny, nx] */
  readonly gridShape: readonly [number, number, number];
  /** [dz, dy, dx] (mm) */
  readonly voxelSizeMm: readonly [number, number, number];
  /** [z0, y0, x0]: low corner of the grid (mm) */
  readonly gridOriginMm: readonly [number, number, number];
  /** True when the dose is already integrated over y (Gy mm per primary, ny = 1); otherwise Gy per primary. */
  readonly integratedOverY: boolean;
}

/**
 * D2(z, x) = sum over y of dose(z, y, x) dy (Gy mm per primary), from a dose
 * [nz][ny][nx] in Gy per primary; a dose already integrated over y is taken
 * as it is.
 */
export function doseIntegratedOverY(grid: RunGrid, dose: ArrayLike<number>): DosePlane {
  const [nz, ny, nx] = grid.gridShape;
  const [dzMm, dyMm, dxMm] = grid.voxelSizeMm;
  if (dose.length !== nz * ny * nx) throw new RangeError(`dose has ${dose.length} values, grid [${nz}, ${ny}, ${nx}] needs ${nz * ny * nx}`);
  if (grid.integratedOverY && ny !== 1) throw new RangeError(`a dose integrated over y must have ny = 1, not ${ny}`);
  const weightMm = grid.integratedOverY ? 1 : dyMm;
  const doseGyMm = new Float64Array(nz * nx);
  for (let iz = 0; iz < nz; iz++) {
    for (let iy = 0; iy < ny; iy++) {
      const row = (iz * ny + iy) * nx;
      for (let ix = 0; ix < nx; ix++) doseGyMm[iz * nx + ix]! += dose[row + ix]! * weightMm;
    }
  }
  return { nz, nx, lowCornerMm: [grid.gridOriginMm[0], grid.gridOriginMm[2]], voxelSizeMm: [dzMm, dxMm], dose: doseGyMm };
}

/** Laterally integrated depth-dose of a plane: sum over x of D2 dx (Gy mm^2 per primary) at the voxel-centre depths. */
export function depthDoseOfPlane(plane: DosePlane): { depthMm: Float64Array; doseGyMm2PerPrimary: Float64Array } {
  const { nz, nx, dose } = plane;
  const [z0Mm] = plane.lowCornerMm;
  const [dzMm, dxMm] = plane.voxelSizeMm;
  const depthMm = Float64Array.from({ length: nz }, (_, iz) => z0Mm + (iz + 0.5) * dzMm);
  const doseGyMm2PerPrimary = new Float64Array(nz);
  for (let iz = 0; iz < nz; iz++) {
    let sum = 0;
    for (let ix = 0; ix < nx; ix++) sum += dose[iz * nx + ix]!;
    doseGyMm2PerPrimary[iz] = sum * dxMm;
  }
  return { depthMm, doseGyMm2PerPrimary };
}

export interface RunComparison {
  readonly gamma2pct2mm: Gamma2dResult;
  readonly gamma1pct1mm: Gamma2dResult;
  readonly depthDoseA: ReturnType<typeof depthDoseOfPlane>;
  readonly depthDoseB: ReturnType<typeof depthDoseOfPlane>;
  readonly r80MmA: number | null;
  readonly r80MmB: number | null;
  /** R80(B) - R80(A) (mm); null when either has no R80. */
  readonly r80DifferenceMm: number | null;
}

/** The interval [lo, hi) an axis of a plane covers (mm). */
function extentMm(plane: DosePlane, axis: 0 | 1): [number, number] {
  const lo = plane.lowCornerMm[axis];
  return [lo, lo + (axis === 0 ? plane.nz : plane.nx) * plane.voxelSizeMm[axis]];
}

function hasPositiveDose(plane: DosePlane): boolean {
  for (let i = 0; i < plane.dose.length; i++) if (plane.dose[i]! > 0) return true;
  return false;
}

/**
 * Compares B (evaluated) with A (reference). Throws a BraggInputError when
 * either has no positive dose or the two grids do not overlap.
 */
export function compareDosePlanes(a: DosePlane, b: DosePlane, thresholdFraction = 0.1): RunComparison {
  if (!hasPositiveDose(a)) throw new BraggInputError('the reference (A) has no positive dose');
  if (!hasPositiveDose(b)) throw new BraggInputError('the evaluated dose (B) has no positive dose');
  for (const [axis, name] of [[0, 'z'], [1, 'x']] as const) {
    const [aLo, aHi] = extentMm(a, axis), [bLo, bHi] = extentMm(b, axis);
    if (Math.min(aHi, bHi) <= Math.max(aLo, bLo)) {
      throw new BraggInputError(`the grids do not overlap in ${name}: A covers ${aLo} to ${aHi} mm, B ${bLo} to ${bHi} mm`);
    }
  }
  const depthDoseA = depthDoseOfPlane(a);
  const depthDoseB = depthDoseOfPlane(b);
  const r80MmA = depthDoseMetrics(depthDoseA.depthMm, depthDoseA.doseGyMm2PerPrimary).r80Mm;
  const r80MmB = depthDoseMetrics(depthDoseB.depthMm, depthDoseB.doseGyMm2PerPrimary).r80Mm;
  return {
    gamma2pct2mm: gamma2d(a, b, { doseFraction: 0.02, distanceMm: 2, thresholdFraction }),
    gamma1pct1mm: gamma2d(a, b, { doseFraction: 0.01, distanceMm: 1, thresholdFraction }),
    depthDoseA, depthDoseB, r80MmA, r80MmB,
    r80DifferenceMm: r80MmA !== null && r80MmB !== null ? r80MmB - r80MmA : null,
  };
}
