// Adds copies 1 .. COPIES-1 of the LET sums into copy 0, once after the run
// (transport.wgsl: LET_COPIES). Each copy is PAIRS 64-bit sums as (lo, hi)
// u32 pairs; the carry of the low words goes to the high word, so the total is
// the exact integer sum, the same whatever the number of copies.
@group(0) @binding(0) var<storage, read_write> sums: array<u32>;
override COPIES: u32 = 1u;
override PAIRS: u32 = 0u;
override GROUPS_X: u32 = 1u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let k = (group.y * GROUPS_X + group.x) * 256u + local;
  if (k >= PAIRS) { return; }
  var lo = sums[2u * k];
  var hi = sums[2u * k + 1u];
  for (var c = 1u; c < COPIES; c++) {
    let j = 2u * (c * PAIRS + k);
    let sum = lo + sums[j];
    hi = hi + sums[j + 1u] + select(0u, 1u, sum < lo);
    lo = sum;
  }
  sums[2u * k] = lo;
  sums[2u * k + 1u] = hi;
}
