/**
 * Dose-volume histograms (issue 12, part 7): which voxels of the dose grid an ROI holds, and the
 * cumulative DVH and its usual metrics over them.
 *
 * Voxelisation: a voxel belongs to an ROI when its centre lies inside the ROI's contours on the
 * contour plane nearest the voxel's centre plane, within half the contour spacing (half a voxel
 * beyond the first and last planes); inside by the even-odd
 * rule over all of that plane's contours (so a contour inside another is a hole), found by scan
 * lines through the voxel centres; a centre on an edge counts on the edge's low side in x and in y
 * (half-open, as raster fills do), so ROIs that share an edge share no voxel. Every voxel of the grid has the same volume, so volume
 * fractions are voxel counts.
 *
 * Metrics (ICRU Report 83, Prescribing, recording and reporting IMRT, 2010, 3.3: D98, D50, D2 and
 * Dmean; D95 and V20 as clinics use them): Dx is the least dose of the hottest x % of the volume,
 * the dose of the voxel at rank ceil(x/100 n) in decreasing order; Vd the fraction of the volume at
 * d or more.
 */
import type { RegionOfInterest } from '../io/dicom/rtStruct.js';

/** Contour z values within this are one plane (as rtStruct.ts reads a contour's points). */
const PLANE_TOLERANCE_MM = 1e-3;

export interface DoseGrid {
  readonly nx: number; readonly ny: number; readonly nz: number;
  readonly voxelSizeMm: readonly [number, number, number];
  /** The grid's low corner in the patient frame (mm). */
  readonly lowCornerMm: readonly [number, number, number];
}

/** The voxels (x fastest, then y, then z) whose centres lie inside the ROI. */
export function roiMask(roi: RegionOfInterest, grid: DoseGrid): Uint8Array {
  const { nx, ny, nz } = grid;
  const [vx, vy, vz] = grid.voxelSizeMm;
  const [x0, y0, z0] = grid.lowCornerMm;
  const mask = new Uint8Array(nx * ny * nz);
  // Contour planes: z values within PLANE_TOLERANCE_MM are one plane (writers round decimal strings).
  const planes: number[] = [];
  for (const z of roi.contours.map((c) => c.zMm).sort((a, b) => a - b)) {
    if (planes.length === 0 || z - planes[planes.length - 1]! > PLANE_TOLERANCE_MM) planes.push(z);
  }
  for (let iz = 0; iz < nz; iz++) {
    const zc = z0 + (iz + 0.5) * vz;
    let nearest = -1, distance = Infinity;
    planes.forEach((z, k) => { if (Math.abs(z - zc) < distance) { distance = Math.abs(z - zc); nearest = k; } });
    if (nearest < 0) continue;
    // A plane stands for the slab of half its spacing to its neighbours either side (half a voxel at the ends
    // or with one plane), so contours drawn every few slices still fill the slices between them.
    const gap = (k: number) => (k >= 0 && k < planes.length ? Math.abs(planes[k]! - planes[nearest]!) : vz);
    const reach = Math.max(vz, zc >= planes[nearest]! ? gap(nearest + 1) : gap(nearest - 1)) / 2;
    if (!(distance <= reach + 1e-6)) continue;
    const contours = roi.contours.filter((c) => Math.abs(c.zMm - planes[nearest]!) <= PLANE_TOLERANCE_MM);
    for (let iy = 0; iy < ny; iy++) {
      const yc = y0 + (iy + 0.5) * vy;
      // x where the scan line crosses an edge (half-open in y, so a vertex is counted once)
      const crossings: number[] = [];
      for (const { xy } of contours) {
        const n = xy.length / 2;
        for (let p = 0; p < n; p++) {
          const ax = xy[2 * p]!, ay = xy[2 * p + 1]!;
          const bx = xy[2 * ((p + 1) % n)]!, by = xy[2 * ((p + 1) % n) + 1]!;
          if ((ay <= yc) !== (by <= yc)) crossings.push(ax + ((yc - ay) / (by - ay)) * (bx - ax));
        }
      }
      crossings.sort((a, b) => a - b);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil((crossings[k]! - x0) / vx - 0.5));
        const to = Math.min(nx - 1, Math.ceil((crossings[k + 1]! - x0) / vx - 0.5) - 1);
        for (let ix = from; ix <= to; ix++) mask[(iz * ny + iy) * nx + ix] = 1;
      }
    }
  }
  return mask;
}

export interface DvhMetrics {
  readonly name: string;
  readonly voxels: number;
  readonly volumeCm3: number;
  readonly meanDose: number;
  readonly minDose: number;
  readonly maxDose: number;
  readonly d98: number; readonly d95: number; readonly d50: number; readonly d2: number;
  /** Fraction of the volume at or above `vDose` (the run's reference level). */
  readonly vAtLevel: number;
}

/** The ROI's doses, hottest first. */
export function roiDoses(dose: ArrayLike<number>, mask: Uint8Array): Float64Array {
  const doses: number[] = [];
  for (let v = 0; v < mask.length; v++) if (mask[v]) doses.push(dose[v]!);
  return Float64Array.from(doses).sort().reverse();
}

export function dvhMetrics(name: string, hottestFirst: Float64Array, voxelCm3: number, level: number): DvhMetrics {
  const n = hottestFirst.length;
  const at = (percent: number) => (n === 0 ? 0 : hottestFirst[Math.max(0, Math.ceil((percent / 100) * n) - 1)]!);
  let sum = 0, above = 0;
  for (const d of hottestFirst) { sum += d; if (d >= level) above++; }
  return {
    name, voxels: n, volumeCm3: n * voxelCm3, meanDose: n ? sum / n : 0, minDose: n ? hottestFirst[n - 1]! : 0, maxDose: n ? hottestFirst[0]! : 0,
    d98: at(98), d95: at(95), d50: at(50), d2: at(2), vAtLevel: n ? above / n : 0,
  };
}

/** Cumulative DVH: the fraction of the volume at each dose level or more. */
export function cumulativeDvh(hottestFirst: Float64Array, levels: ArrayLike<number>): Float64Array {
  const n = hottestFirst.length;
  const ascending = Float64Array.from(hottestFirst).reverse();
  return Float64Array.from(levels, (level) => {
    // voxels with dose >= level: n minus those below it
    let low = 0, high = n;
    while (low < high) { const m = (low + high) >> 1; if (ascending[m]! < level) low = m + 1; else high = m; }
    return n ? (n - low) / n : 0;
  });
}
