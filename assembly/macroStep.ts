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
import { voxelIndex } from './laneState';

/** Whether voxel (jx, jy, jz) lies in the phantom and has the material and density of `voxel`. */
@inline function likeVoxel(params: usize, voxel: i32, jx: i32, jy: i32, jz: i32): bool {
  if (jx < 0 || jy < 0 || jz < 0 || jx >= load<i32>(params + P_NX) || jy >= load<i32>(params + P_NY) || jz >= load<i32>(params + P_NZ)) return false;
  const other = voxelIndex(params, jx, jy, jz);
  const materials = <usize>load<u32>(params + P_MATERIAL_INDEX_PTR);
  const densities = <usize>load<u32>(params + P_DENSITY_PTR);
  return load<u8>(materials + <usize>other) == load<u8>(materials + <usize>voxel)
    && load<f32>(densities + (<usize>other << 2)) == load<f32>(densities + (<usize>voxel << 2));
}

/** Distance (mm) along (u, v, w) from (x, y, z) to the plane of voxel (jx, jy, jz) on `axis` (0 x, 1 y, 2 z) it leaves by. */
@inline function planeDistance(params: usize, axis: i32, j: i32, position: f32, direction: f32): f32 {
  if (direction == 0) return FAR_MM;
  const size = load<f32>(params + (axis == 0 ? P_VOXEL_X_MM : axis == 1 ? P_VOXEL_Y_MM : P_VOXEL_Z_MM));
  const origin = axis == 0 ? load<f32>(params + P_ORIGIN_X_MM) : axis == 1 ? load<f32>(params + P_ORIGIN_Y_MM) : <f32>0;
  const plane = origin + <f32>(j + (direction > 0 ? 1 : 0)) * size;
  return max<f32>((plane - position) / direction, 0);
}

/**
 * The distance (mm) from the lane's position to the first voxel plane beyond which the voxel is
 * unlike its own (another material or density, or outside the phantom), if that is at most
 * `limitMm`; FAR_MM otherwise (the step ends inside a like voxel). The first plane is the kernels'
 * own (stepScalar.ts: toX, toY, toZ); ties cross x before y before z, as the kernels do.
 */
export function likeRunMm(params: usize, ix: i32, iy: i32, iz: i32, x: f32, y: f32, z: f32, u: f32, v: f32, w: f32, limitMm: f32): f32 {
  const voxel = voxelIndex(params, ix, iy, iz);
  let jx = ix, jy = iy, jz = iz;
  for (;;) {
    const tx = planeDistance(params, 0, jx, x, u);
    const ty = planeDistance(params, 1, jy, y, v);
    const tz = planeDistance(params, 2, jz, z, w);
    const t = min<f32>(tx, min<f32>(ty, tz));
    if (t > limitMm) return FAR_MM;
    if (tx == t) jx += u > 0 ? 1 : -1;
    else if (ty == t) jy += v > 0 ? 1 : -1;
    else jz += w > 0 ? 1 : -1;
    if (!likeVoxel(params, voxel, jx, jy, jz)) return t;
  }
  return FAR_MM; // not reached (AssemblyScript wants a return after the loop)
}

/**
 * Moves the lane (fields at `at`) from (x, y, z) along (u, v, w) by s mm through like voxels,
 * ending on the unlike voxel's plane when `crossing`, then displaces x and y by the hinge
 * (stepScalar.ts: 4.; u2, v2 the new direction, hinge the part of the step after the hinge point).
 * Stores the position, the indices, the deposit voxel (the one holding the hinge point) and its z
 * index, and no forward z-plane crossing (those count primaries only).
 */
export function moveThroughRun(
  params: usize, at: usize, ix: i32, iy: i32, iz: i32, x: f32, y: f32, z: f32, u: f32, v: f32, w: f32,
  s: f32, crossing: bool, hinge: f32, u2: f32, v2: f32,
): void {
  const hingeDistance = s - hinge;
  let jx = ix, jy = iy, jz = iz;
  let depositX = ix, depositY = iy, depositZ = iz;
  let depositFound = false;
  let axis = -1;
  let plane: f32 = 0;
  for (;;) {
    const tx = planeDistance(params, 0, jx, x, u);
    const ty = planeDistance(params, 1, jy, y, v);
    const tz = planeDistance(params, 2, jz, z, w);
    const t = min<f32>(tx, min<f32>(ty, tz));
    // The voxel (jx, jy, jz) holds the chord from the last plane to t.
    if (!depositFound && hingeDistance < t) { depositX = jx; depositY = jy; depositZ = jz; depositFound = true; }
    if (t > s || (!crossing && t == s)) break;
    if (crossing && t == s) {
      // The unlike voxel's plane: the step ends on it.
      if (!depositFound) { depositX = jx; depositY = jy; depositZ = jz; }
      axis = tx == t ? 0 : ty == t ? 1 : 2;
      const size = load<f32>(params + (axis == 0 ? P_VOXEL_X_MM : axis == 1 ? P_VOXEL_Y_MM : P_VOXEL_Z_MM));
      const direction = axis == 0 ? u : axis == 1 ? v : w;
      const j = axis == 0 ? jx : axis == 1 ? jy : jz;
      const origin = axis == 0 ? load<f32>(params + P_ORIGIN_X_MM) : axis == 1 ? load<f32>(params + P_ORIGIN_Y_MM) : <f32>0;
      plane = origin + <f32>(j + (direction > 0 ? 1 : 0)) * size;
      if (axis == 0) jx += u > 0 ? 1 : -1;
      else if (axis == 1) jy += v > 0 ? 1 : -1;
      else jz += w > 0 ? 1 : -1;
      break;
    }
    if (tx == t) jx += u > 0 ? 1 : -1;
    else if (ty == t) jy += v > 0 ? 1 : -1;
    else jz += w > 0 ? 1 : -1;
  }
  if (!depositFound && axis < 0) { depositX = jx; depositY = jy; depositZ = jz; }
  let xEnd = x + s * u;
  let yEnd = y + s * v;
  let zEnd = z + s * w;
  if (axis == 0) xEnd = plane;
  if (axis == 1) yEnd = plane;
  if (axis == 2) zEnd = plane;
  const displacedX = xEnd + hinge * (u2 - u);
  const displacedY = yEnd + hinge * (v2 - v);
  // An index follows the displaced position only where the hinge moved it (as in the kernels);
  // on the crossed plane itself it is the unlike voxel's.
  const ixEnd = axis == 0 && displacedX == plane ? jx
    : displacedX != xEnd ? <i32>floor<f32>((displacedX - load<f32>(params + P_ORIGIN_X_MM)) / load<f32>(params + P_VOXEL_X_MM)) : jx;
  const iyEnd = axis == 1 && displacedY == plane ? jy
    : displacedY != yEnd ? <i32>floor<f32>((displacedY - load<f32>(params + P_ORIGIN_Y_MM)) / load<f32>(params + P_VOXEL_Y_MM)) : jy;
  store<f32>(at + L_X, displacedX);
  store<f32>(at + L_Y, displacedY);
  store<f32>(at + L_Z, zEnd);
  store<i32>(at + L_IX, ixEnd);
  store<i32>(at + L_IY, iyEnd);
  store<i32>(at + L_IZ, jz);
  store<i32>(at + L_VOXEL, voxelIndex(params, depositX, depositY, depositZ));
  store<i32>(at + L_VOXEL_Z, depositZ);
  store<i32>(at + L_CROSSED_PLANE, 0);
}
