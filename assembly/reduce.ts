// Reduction of per-worker tallies: integer adds, so the total does not depend
// on how histories were split between workers. Zero entries are skipped
// without writing, so pages of the destination that no history touched are
// never written (most of a dose grid is empty: writing it would fault in
// every page).
import { W_ENERGY_SUM_PTR, W_ENERGY_SQ_PTR, W_SLAB_SUM_PTR, W_SLAB_SQ_PTR, W_SLAB_PRIMARIES_PTR, W_LET_PTR, LET_FIELDS, W_CHARGE_DOSE_PTR, W_VOXELS, W_CHARGES } from './layout';

/** dst[i] += src[i] for i in [from, to) of i64 arrays. */
function addSums(dst: usize, src: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const offset = <usize>i << 3;
    const value = load<i64>(src + offset);
    if (value != 0) store<i64>(dst + offset, load<i64>(dst + offset) + value);
  }
}

/** dst[i] += src[i] for i in [from, to) of 128-bit (lo, hi) accumulators. */
function addWide(dst: usize, src: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const d = dst + (<usize>i << 4);
    const s = src + (<usize>i << 4);
    const addLo = load<u64>(s);
    const addHi = load<u64>(s, 8);
    if ((addLo | addHi) == 0) continue;
    const lo = load<u64>(d);
    const sum = lo + addLo;
    store<u64>(d, sum);
    store<u64>(d, load<u64>(d, 8) + addHi + (sum < lo ? 1 : 0), 8);
  }
}

/** Adds the voxel tallies [voxelFrom, voxelTo) and slab tallies [slabFrom, slabTo) of one worker block into another. */
export function addTallies(dstWorker: usize, srcWorker: usize, voxelFrom: i32, voxelTo: i32, slabFrom: i32, slabTo: i32): void {
  addSums(<usize>load<u32>(dstWorker + W_ENERGY_SUM_PTR), <usize>load<u32>(srcWorker + W_ENERGY_SUM_PTR), voxelFrom, voxelTo);
  addWide(<usize>load<u32>(dstWorker + W_ENERGY_SQ_PTR), <usize>load<u32>(srcWorker + W_ENERGY_SQ_PTR), voxelFrom, voxelTo);
  addSums(<usize>load<u32>(dstWorker + W_SLAB_SUM_PTR), <usize>load<u32>(srcWorker + W_SLAB_SUM_PTR), slabFrom, slabTo);
  addWide(<usize>load<u32>(dstWorker + W_SLAB_SQ_PTR), <usize>load<u32>(srcWorker + W_SLAB_SQ_PTR), slabFrom, slabTo);
  addSums(<usize>load<u32>(dstWorker + W_SLAB_PRIMARIES_PTR), <usize>load<u32>(srcWorker + W_SLAB_PRIMARIES_PTR), slabFrom, slabTo);
  const letDst = <usize>load<u32>(dstWorker + W_LET_PTR);
  const letSrc = <usize>load<u32>(srcWorker + W_LET_PTR);
  if (letDst != 0 && letSrc != 0) addSums(letDst, letSrc, voxelFrom * LET_FIELDS, voxelTo * LET_FIELDS);
  const chargeDst = <usize>load<u32>(dstWorker + W_CHARGE_DOSE_PTR);
  const chargeSrc = <usize>load<u32>(srcWorker + W_CHARGE_DOSE_PTR);
  if (chargeDst != 0 && chargeSrc != 0) {
    const blockBytes = <usize>load<u32>(dstWorker + W_VOXELS) << 3;
    for (let z = 0; z < load<i32>(dstWorker + W_CHARGES); z++) {
      addSums(chargeDst + <usize>z * blockBytes, chargeSrc + <usize>z * blockBytes, voxelFrom, voxelTo);
    }
  }
}
