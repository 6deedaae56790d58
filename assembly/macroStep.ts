// Steps of secondary particles through runs of like voxels (issue 11: the speed of fragmentation).
//
// A primary's step ends at the next voxel plane, as it always has (its dose is the one the tests
// freeze bit for bit). A secondary's step (nuclear secondaries of protons, fragments of ions: the
// lane's stream is not 1) may cross planes into voxels of the same material and density, up to the
// step's physics limit (energy loss, maximum step, nuclear free paths), and ends at the first plane
// beyond which the material or density changes or the phantom ends. Nothing in a step's physics
// depends on the voxel but its material and density, so such a step is the step the particle would
// take in a phantom without those planes. Its deposit (and its LET sums) goes to the voxel that holds
// the hinge point of the step's chord (the step's uniform random point, stepScalar.ts: 4.): in
// expectation each voxel on the chord gets the step's deposit in proportion to its share of the
// chord, as if it were split (a single deposit keeps one list entry per step; the price is more
// variance in the secondaries' dose, which is unbiased). With 1 mm voxels and the default 5 mm
// maximum step, 400 MeV/u carbon in water takes about a third of the steps it took.
//
// Both functions are scalar f32 code shared by stepScalar.ts and stepSimd.ts (which calls them lane
// by lane), so that the SIMD kernel equals the scalar one bit for bit; shaders/transport.wgsl does
// the same operations.
import {
  P_NX, P_NY, P_NZ, P_VOXEL_X_MM, P_VOXEL_Y_MM, P_VOXEL_Z_MM, P_ORIGIN_X_MM, P_ORIGIN_Y_MM,
  P_MATERIAL_INDEX_PTR, P_DENSITY_PTR,
  L_X, L_Y, L_Z, L_IX, L_IY, L_IZ, L_VOXEL, L_VOXEL_Z, L_CROSSED_PLANE,
} from './layout';
import { FAR_MM } from './physicsConstants';

/**
 * The distance (mm) from the lane's position to the first voxel plane beyond which the voxel is
 * unlike its own (another material or density, or outside the phantom), if that is at most
 * `limitMm`; FAR_MM otherwise (the step ends inside a like voxel). The first plane is the kernels'
 * own (stepScalar.ts: toX, toY, toZ); ties cross x before y before z, as the kernels do. Where it
 * returns a plane, the unlike voxel's indices and the plane's axis (0 x, 1 y, 2 z) are left in the
 * lane's scratch words at `scratch` for moveThroughRun.
 */
export function likeRunMm(
  params: usize, scratch: usize, ix: i32, iy: i32, iz: i32, x: f32, y: f32, z: f32, u: f32, v: f32, w: f32, limitMm: f32,
): f32 {
  const nx = load<i32>(params + P_NX);
  const ny = load<i32>(params + P_NY);
  const nz = load<i32>(params + P_NZ);
  const sizeX = load<f32>(params + P_VOXEL_X_MM);
  const sizeY = load<f32>(params + P_VOXEL_Y_MM);
  const sizeZ = load<f32>(params + P_VOXEL_Z_MM);
  const originX = load<f32>(params + P_ORIGIN_X_MM);
  const originY = load<f32>(params + P_ORIGIN_Y_MM);
  const materials = <usize>load<u32>(params + P_MATERIAL_INDEX_PTR);
  const densities = <usize>load<u32>(params + P_DENSITY_PTR);
  const voxel = (ix * ny + iy) * nz + iz; // z fastest (laneState.ts: voxelIndex)
  const material = load<u8>(materials + <usize>voxel);
  const density = load<f32>(densities + (<usize>voxel << 2));
  const sx = u > 0 ? 1 : -1;
  const sy = v > 0 ? 1 : -1;
  const sz = w > 0 ? 1 : -1;
  const px = u > 0 ? 1 : 0;
  const py = v > 0 ? 1 : 0;
  const pz = w > 0 ? 1 : 0;
  let jx = ix, jy = iy, jz = iz;
  for (;;) {
    const tx = u == 0 ? FAR_MM : max<f32>(((originX + <f32>(jx + px) * sizeX) - x) / u, 0);
    const ty = v == 0 ? FAR_MM : max<f32>(((originY + <f32>(jy + py) * sizeY) - y) / v, 0);
    const tz = w == 0 ? FAR_MM : max<f32>((<f32>(jz + pz) * sizeZ - z) / w, 0);
    const t = min<f32>(tx, min<f32>(ty, tz));
    if (t > limitMm) return FAR_MM;
    const axis = tx == t ? 0 : ty == t ? 1 : 2;
    if (axis == 0) jx += sx;
    else if (axis == 1) jy += sy;
    else jz += sz;
    let like = jx >= 0 && jy >= 0 && jz >= 0 && jx < nx && jy < ny && jz < nz;
    if (like) {
      const other = (jx * ny + jy) * nz + jz;
      like = load<u8>(materials + <usize>other) == material && load<f32>(densities + (<usize>other << 2)) == density;
    }
    if (!like) {
      store<i32>(scratch, jx);
      store<i32>(scratch, jy, 4);
      store<i32>(scratch, jz, 8);
      store<i32>(scratch, axis, 12);
      return t;
    }
  }
  return FAR_MM; // not reached (AssemblyScript wants a return after the loop)
}

/** index clamped to low ... high, then to the grid's 0 ... n - 1. */
@inline function clampedIndex(index: i32, low: i32, high: i32, n: i32): i32 {
  return min<i32>(max<i32>(min<i32>(max<i32>(index, low), high), 0), n - 1);
}

/**
 * Moves the lane (fields at `at`) from (x, y, z) along (u, v, w) by s mm through like voxels,
 * ending on the unlike voxel's plane when `crossing` (likeRunMm left it in `scratch`), then
 * displaces x and y by the hinge (stepScalar.ts: 4.; u2, v2 the new direction, hinge the part of
 * the step after the hinge point). The indices follow the end position; on the crossed plane they
 * are the unlike voxel's. Stores the position, the indices, the deposit voxel (the one that holds
 * the hinge point; on the run's side of the crossed plane, and in the phantom) and its z index,
 * and no forward z-plane crossing (those count primaries only).
 */
export function moveThroughRun(
  params: usize, at: usize, scratch: usize, ix: i32, iy: i32, iz: i32, x: f32, y: f32, z: f32, u: f32, v: f32, w: f32,
  s: f32, crossing: bool, hinge: f32, u2: f32, v2: f32,
): void {
  const nx = load<i32>(params + P_NX);
  const ny = load<i32>(params + P_NY);
  const nz = load<i32>(params + P_NZ);
  const sizeX = load<f32>(params + P_VOXEL_X_MM);
  const sizeY = load<f32>(params + P_VOXEL_Y_MM);
  const sizeZ = load<f32>(params + P_VOXEL_Z_MM);
  const originX = load<f32>(params + P_ORIGIN_X_MM);
  const originY = load<f32>(params + P_ORIGIN_Y_MM);
  const axis = crossing ? load<i32>(scratch, 12) : -1;
  // The chord's end, on the crossed plane exactly where the step ends on one.
  let xEnd = x + s * u;
  let yEnd = y + s * v;
  let zEnd = z + s * w;
  let jx = 0, jy = 0, jz = 0;
  if (axis == 0) { jx = load<i32>(scratch); xEnd = originX + <f32>(jx + (u > 0 ? 0 : 1)) * sizeX; }
  if (axis == 1) { jy = load<i32>(scratch, 4); yEnd = originY + <f32>(jy + (v > 0 ? 0 : 1)) * sizeY; }
  if (axis == 2) { jz = load<i32>(scratch, 8); zEnd = <f32>(jz + (w > 0 ? 0 : 1)) * sizeZ; }
  const displacedX = xEnd + hinge * (u2 - u);
  const displacedY = yEnd + hinge * (v2 - v);
  // Indices: on the crossed plane the unlike voxel's; a coordinate that did not move keeps its
  // index (as in the kernels: zero-length steps then always progress); otherwise the position's.
  const ixEnd = axis == 0 && displacedX == xEnd ? jx : displacedX == x ? ix : <i32>floor<f32>((displacedX - originX) / sizeX);
  const iyEnd = axis == 1 && displacedY == yEnd ? jy : displacedY == y ? iy : <i32>floor<f32>((displacedY - originY) / sizeY);
  const izEnd = axis == 2 ? jz : zEnd == z ? iz : <i32>floor<f32>(zEnd / sizeZ);
  // The run's last voxel on each axis: the chord's end before the hinge, on the like side of a crossed plane.
  const rx = axis == 0 ? jx - (u > 0 ? 1 : -1) : xEnd == x ? ix : <i32>floor<f32>((xEnd - originX) / sizeX);
  const ry = axis == 1 ? jy - (v > 0 ? 1 : -1) : yEnd == y ? iy : <i32>floor<f32>((yEnd - originY) / sizeY);
  const rz = axis == 2 ? jz - (w > 0 ? 1 : -1) : zEnd == z ? iz : <i32>floor<f32>(zEnd / sizeZ);
  // The deposit: the voxel of the hinge point on the chord, kept between the step's first voxel
  // and the run's last (f32 rounding must not put it behind the start or past the run), and in the grid.
  const h = s - hinge;
  const dx = clampedIndex(<i32>floor<f32>(((x + h * u) - originX) / sizeX), min<i32>(ix, rx), max<i32>(ix, rx), nx);
  const dy = clampedIndex(<i32>floor<f32>(((y + h * v) - originY) / sizeY), min<i32>(iy, ry), max<i32>(iy, ry), ny);
  const dz = clampedIndex(<i32>floor<f32>((z + h * w) / sizeZ), min<i32>(iz, rz), max<i32>(iz, rz), nz);
  store<f32>(at + L_X, displacedX);
  store<f32>(at + L_Y, displacedY);
  store<f32>(at + L_Z, zEnd);
  store<i32>(at + L_IX, ixEnd);
  store<i32>(at + L_IY, iyEnd);
  store<i32>(at + L_IZ, izEnd);
  store<i32>(at + L_VOXEL, (dx * ny + dy) * nz + dz);
  store<i32>(at + L_VOXEL_Z, dz);
  store<i32>(at + L_CROSSED_PLANE, 0);
}
