// History-by-history scoring (after Walters, Kawrakow, Rogers, Med. Phys. 29
// (2002) 2745): each lane lists its current history's deposits; when the
// history ends the list is summed per voxel and per depth slab, and each
// voxel's total x is added to the sum (sum of x) and to the sum of squares
// (sum of x^2) from which TypeScript computes the uncertainty. All sums are
// integers (fixed point, units in layout.ts), so they do not depend on the
// order in which histories, lanes or threads finish.
import {
  W_ENERGY_SUM_PTR, W_ENERGY_SQ_PTR, W_SCRATCH_PTR, W_SLAB_SUM_PTR, W_SLAB_SQ_PTR,
  W_SLAB_SCRATCH_PTR, W_LIST_PTR, W_LIST_CAPACITY, W_LANES_PTR, W_LIST_OVERFLOWS,
  L_LIST_LENGTH, LIST_ENTRY_BYTES, ENERGY_UNITS_PER_MEV, ENERGY_SQ_UNITS_PER_MEV2, W_CHARGE_DOSE_PTR, W_VOXELS, L_CHARGE_NUMBER,
} from './layout';

@inline function listBase(worker: usize, lane: i32): usize {
  const capacity = load<i32>(worker + W_LIST_CAPACITY);
  return <usize>load<u32>(worker + W_LIST_PTR) + <usize>(lane * capacity * LIST_ENTRY_BYTES);
}

@inline function listLengthPtr(worker: usize, lane: i32): usize {
  return <usize>load<u32>(worker + W_LANES_PTR) + L_LIST_LENGTH + (<usize>lane << 2);
}

/** Adds a value to a 128-bit unsigned accumulator stored as (lo, hi) u64 words. */
@inline function add128(p: usize, value: u64): void {
  const lo = load<u64>(p);
  const sum = lo + value;
  store<u64>(p, sum);
  if (sum < lo) store<u64>(p, load<u64>(p, 8) + 1, 8);
}

/** x^2 in the units of the squared-energy tallies, for x in energy units. */
@inline function squareUnits(x: i64): u64 {
  const mev = <f64>x / ENERGY_UNITS_PER_MEV;
  return <u64>nearest<f64>(mev * mev * ENERGY_SQ_UNITS_PER_MEV2);
}

/** Merges repeated voxels of a lane's list in place (using the scratch grid); returns the new length. */
function compact(worker: usize, lane: i32, length: i32): i32 {
  const base = listBase(worker, lane);
  const scratch = <usize>load<u32>(worker + W_SCRATCH_PTR);
  for (let k = 0; k < length; k++) {
    const e = base + <usize>(k * LIST_ENTRY_BYTES);
    const p = scratch + (<usize>load<i32>(e) << 3);
    store<i64>(p, load<i64>(p) + load<i64>(e, 8));
  }
  let kept = 0;
  for (let k = 0; k < length; k++) {
    const e = base + <usize>(k * LIST_ENTRY_BYTES);
    const voxel = load<i32>(e);
    const p = scratch + (<usize>voxel << 3);
    const x = load<i64>(p);
    if (x != 0) {
      const out = base + <usize>(kept * LIST_ENTRY_BYTES);
      store<i32>(out, voxel);
      store<i32>(out, load<i32>(e, 4), 4);
      store<i64>(out, x, 8);
      store<i64>(p, 0);
      kept++;
    }
  }
  return kept;
}

/** Ends the lane's current history: adds its per-voxel and per-slab totals to the tallies. */
export function flushHistory(worker: usize, lane: i32): void {
  const lengthPtr = listLengthPtr(worker, lane);
  const length = load<i32>(lengthPtr);
  const base = listBase(worker, lane);
  const scratch = <usize>load<u32>(worker + W_SCRATCH_PTR);
  const slabScratch = <usize>load<u32>(worker + W_SLAB_SCRATCH_PTR);
  for (let k = 0; k < length; k++) {
    const e = base + <usize>(k * LIST_ENTRY_BYTES);
    const energy = load<i64>(e, 8);
    const p = scratch + (<usize>load<i32>(e) << 3);
    store<i64>(p, load<i64>(p) + energy);
    const q = slabScratch + (<usize>load<i32>(e, 4) << 3);
    store<i64>(q, load<i64>(q) + energy);
  }
  const sum = <usize>load<u32>(worker + W_ENERGY_SUM_PTR);
  const sq = <usize>load<u32>(worker + W_ENERGY_SQ_PTR);
  const slabSum = <usize>load<u32>(worker + W_SLAB_SUM_PTR);
  const slabSq = <usize>load<u32>(worker + W_SLAB_SQ_PTR);
  for (let k = 0; k < length; k++) {
    const e = base + <usize>(k * LIST_ENTRY_BYTES);
    const voxel = <usize>load<i32>(e);
    const p = scratch + (voxel << 3);
    const x = load<i64>(p);
    if (x != 0) {
      store<i64>(sum + (voxel << 3), load<i64>(sum + (voxel << 3)) + x);
      add128(sq + (voxel << 4), squareUnits(x));
      store<i64>(p, 0);
    }
    const slab = <usize>load<i32>(e, 4);
    const q = slabScratch + (slab << 3);
    const xs = load<i64>(q);
    if (xs != 0) {
      store<i64>(slabSum + (slab << 3), load<i64>(slabSum + (slab << 3)) + xs);
      add128(slabSq + (slab << 4), squareUnits(xs));
      store<i64>(q, 0);
    }
  }
  store<i32>(lengthPtr, 0);
}

/**
 * Records energy (fixed-point units) deposited by the lane's history in a voxel at depth index iz;
 * where the dose by charge is scored, also in the block of the lane particle's charge Z (a
 * reaction's local deposits, and the products a full stack deposits, count for the particle that
 * reacted). Plain sums: no variance.
 */
export function recordDeposit(worker: usize, lane: i32, voxel: i32, iz: i32, energy: i64): void {
  if (energy == 0) return;
  const byCharge = <usize>load<u32>(worker + W_CHARGE_DOSE_PTR);
  if (byCharge != 0) {
    const lanes = <usize>load<u32>(worker + W_LANES_PTR) + (<usize>lane << 2);
    const block = <i32>load<f32>(lanes + L_CHARGE_NUMBER) - 1;
    const p = byCharge + ((<usize>block * <usize>load<u32>(worker + W_VOXELS) + <usize>voxel) << 3);
    store<i64>(p, load<i64>(p) + energy);
  }
  const lengthPtr = listLengthPtr(worker, lane);
  let length = load<i32>(lengthPtr);
  const base = listBase(worker, lane);
  if (length > 0) {
    const last = base + <usize>((length - 1) * LIST_ENTRY_BYTES);
    if (load<i32>(last) == voxel) {
      store<i64>(last, load<i64>(last, 8) + energy, 8);
      return;
    }
  }
  const capacity = load<i32>(worker + W_LIST_CAPACITY);
  if (length == capacity) {
    length = compact(worker, lane, length);
    if (length == capacity) {
      // More distinct voxels than the list holds: score what we have as a
      // partial history (the dose stays exact; only the variance estimate is
      // affected) and count it so the caller can report it.
      store<i32>(lengthPtr, length);
      flushHistory(worker, lane);
      store<i64>(worker + W_LIST_OVERFLOWS, load<i64>(worker + W_LIST_OVERFLOWS) + 1);
      length = 0;
    }
  }
  const e = base + <usize>(length * LIST_ENTRY_BYTES);
  store<i32>(e, voxel);
  store<i32>(e, iz, 4);
  store<i64>(e, energy, 8);
  store<i32>(lengthPtr, length + 1);
}
