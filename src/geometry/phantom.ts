/**
 * The voxel phantom: a rectilinear grid [nz][ny][nx] (x fastest) with a
 * material slot and a density per voxel; z is depth from 0. Built from the
 * config's regions (x and y centred on (0, 0); regions voxelised by voxel
 * centre, over half-open intervals [min, max), so regions that touch never
 * share a voxel), or given voxel by voxel (a CT: ctPhantom.ts, in the CT's
 * frame, config.phantom.voxels).
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { MaterialId } from '../physics/index.js';
import { BraggInputError } from '../errors.js';

export interface Phantom {
  readonly nx: number; readonly ny: number; readonly nz: number;
  readonly voxelSizeMm: readonly [number, number, number]; // x, y, z
  readonly originMm: readonly [number, number, number];    // low corner (x, y, z)
  /** Materials used, indexed by the per-voxel slot. */
  readonly materials: readonly MaterialId[];
  readonly materialIndex: Uint8Array;
  readonly densityGPerCm3: Float32Array;
  /** The z of depth 0 in the frame of the phantom's source (a CT's low-z face; 0 for regions): outputs add it. */
  readonly zShiftMm?: number;
}

/** Largest voxel count we accept (about 2^28): beyond it, per-voxel tallies alone exceed wasm32's 4 GiB. */
export const MAX_VOXELS = 2 ** 28;

/** The phantom's grid and the materials it uses, known before anything large is allocated. */
export interface PhantomShape {
  readonly nx: number; readonly ny: number; readonly nz: number;
  readonly voxelSizeMm: readonly [number, number, number];
  readonly originMm: readonly [number, number, number];
  /** Distinct materials: the phantom's, then the regions' in order of first use (the per-voxel slots). */
  readonly materials: readonly MaterialId[];
}

export function phantomShape(config: ResolvedConfig): PhantomShape {
  const { voxels } = config.phantom;
  if (voxels) return { nx: voxels.nx, ny: voxels.ny, nz: voxels.nz, voxelSizeMm: voxels.voxelSizeMm, originMm: voxels.originMm, materials: voxels.materials };
  if (config.phantom.ct) throw new BraggInputError(`phantom.ct: ${config.phantom.ct.file} is not loaded: read it with loadPhantom (bragg-engine/node) first`);
  const [sx, sy, sz] = config.phantom.sizeMm;
  const [vx, vy, vz] = config.phantom.voxelSizeMm;
  const nx = Math.round(sx / vx), ny = Math.round(sy / vy), nz = Math.round(sz / vz);
  for (const [axis, n, size, voxel] of [['x', nx, sx, vx], ['y', ny, sy, vy], ['z', nz, sz, vz]] as const) {
    if (n < 1 || Math.abs(n * voxel - size) > 1e-6 * size) {
      throw new BraggInputError(`phantom.sizeMm ${axis} (${size} mm) is not a whole number of voxels of ${voxel} mm`);
    }
  }
  const count = nx * ny * nz;
  if (count > MAX_VOXELS) throw new BraggInputError(`phantom has ${count} voxels, more than the ${MAX_VOXELS} supported`);
  const materials = [...new Set([config.phantom.material, ...config.phantom.regions.map((r) => r.material)])];
  return { nx, ny, nz, voxelSizeMm: [vx, vy, vz], originMm: [-sx / 2, -sy / 2, 0], materials };
}

export function buildPhantom(config: ResolvedConfig, densityOf: (id: MaterialId) => number): Phantom {
  const { nx, ny, nz, voxelSizeMm, originMm } = phantomShape(config);
  if (config.phantom.voxels) return config.phantom.voxels;
  const [vx, vy, vz] = voxelSizeMm;
  const count = nx * ny * nz;

  const materials: MaterialId[] = [];
  const slotOf = (id: MaterialId): number => {
    let slot = materials.indexOf(id);
    if (slot < 0) {
      if (materials.length === 255) throw new BraggInputError('more than 255 materials in the phantom');
      slot = materials.push(id) - 1;
    }
    return slot;
  };
  const materialIndex = new Uint8Array(count).fill(slotOf(config.phantom.material));
  const densityGPerCm3 = new Float32Array(count).fill(config.phantom.densityGPerCm3 ?? densityOf(config.phantom.material));

  config.phantom.regions.forEach((region, k) => {
    const slot = slotOf(region.material);
    const density = region.densityGPerCm3 ?? densityOf(region.material);
    const lo = region.shape === 'box' ? region.minMm : [-Infinity, -Infinity, region.zMinMm];
    const hi = region.shape === 'box' ? region.maxMm : [Infinity, Infinity, region.zMaxMm];
    let covered = 0;
    for (let iz = 0; iz < nz; iz++) {
      const cz = originMm[2] + (iz + 0.5) * vz;
      if (cz < lo[2]! || cz >= hi[2]!) continue;
      for (let iy = 0; iy < ny; iy++) {
        const cy = originMm[1] + (iy + 0.5) * vy;
        if (cy < lo[1]! || cy >= hi[1]!) continue;
        for (let ix = 0; ix < nx; ix++) {
          const cx = originMm[0] + (ix + 0.5) * vx;
          if (cx < lo[0]! || cx >= hi[0]!) continue;
          const v = (iz * ny + iy) * nx + ix;
          materialIndex[v] = slot;
          densityGPerCm3[v] = density;
          covered++;
        }
      }
    }
    if (covered === 0) throw new BraggInputError(`phantom.regions.${k} contains no voxel centre of the phantom`);
  });
  return { nx, ny, nz, voxelSizeMm: [vx, vy, vz], originMm, materials, materialIndex, densityGPerCm3 };
}
