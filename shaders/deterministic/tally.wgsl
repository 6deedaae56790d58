// The end of a step: the operators' row tallies (rows.wgsl) summed over the
// energies per cell, then over the cells into one record per step; the
// dose, the probe and the next step's window. All sums
// are 96-bit fixed point (common.wgsl), so they do not depend on the order
// of the threads.
//
// Control buffer (written by the host at the start, then only here and by
// streamZ's bbox atomics):
//
//   word 0        8           12            16                  16 + 32 k
//   | window (8)  | bbox (4)  | record, pad | records[k] (32 words each) ...
//
// A record: the window the step ran on, then RECORD_SUMS fixed-point sums (3
// words each, w0 w1 w2): escaped particles, escaped energy (MeV), absorbed
// particles, deposited energy (MeV), floored particles, particles in psi
// after the step and their energy, nuclear events, secondaries placed,
// neutral energy (MeV), energy leaving beyond the angle grid (MeV); then
// whether the next window holds anything.

struct StepRecord { window: Window, sums: array<u32, 3u * RECORD_SUMS>, nextOccupied: u32 }
struct Control { window: Window, bbox: vec4<u32>, record: u32, pad0: u32, pad1: u32, pad2: u32,
                 records: array<StepRecord, MAX_RECORDS> }

@group(0) @binding(2) var<storage, read> tablesF: array<f32>;
@group(0) @binding(3) var<storage, read> tablesI: array<i32>;
@group(0) @binding(4) var<storage, read_write> control: Control;
// accum (u32): from ACCUM_DOSE 3 words (w0, w1, w2) per cell, the dose energy so far; from
// ACCUM_PROBE 3 per x, the probe's crossings so far; from ACCUM_CELLS 36 per cell (three Fx4),
// the cell's sums of the step (cellTallies: CellStep lanes), read by stepTallies.
@group(0) @binding(6) var<storage, read_write> accum: array<u32>;

/** Adds lane `lane` of v to the running sum at accum[i .. i + 2] (one writer per slot). */
fn accumulate(i: u32, v: Fx4, lane: u32) {
  let old = Fx4(vec4<u32>(accum[i], 0u, 0u, 0u), vec4<u32>(accum[i + 1u], 0u, 0u, 0u), vec4<u32>(accum[i + 2u], 0u, 0u, 0u));
  let sum = fxAdd(old, fxLane(v, lane, 0u));
  accum[i] = sum.w0.x;
  accum[i + 1u] = sum.w1.x;
  accum[i + 2u] = sum.w2.x;
}

fn storeFx(i: u32, v: Fx4) {
  for (var k = 0u; k < 4u; k++) {
    accum[i + k] = v.w0[k];
    accum[i + 4u + k] = v.w1[k];
    accum[i + 8u + k] = v.w2[k];
  }
}

fn loadFx(i: u32) -> Fx4 {
  return Fx4(vec4<u32>(accum[i], accum[i + 1u], accum[i + 2u], accum[i + 3u]),
             vec4<u32>(accum[i + 4u], accum[i + 5u], accum[i + 6u], accum[i + 7u]),
             vec4<u32>(accum[i + 8u], accum[i + 9u], accum[i + 10u], accum[i + 11u]));
}

/**
 * Per cell of rows [zLo, zHiAfter) (CELLS_PER_GROUP cells x ENERGY_LANES
 * energy lanes a workgroup): the row tallies of the step summed over the
 * energies, as three Fx4,
 *   first:  escaped particles, escaped energy, absorbed particles, deposited energy
 *   second: floored particles, particles after, energy after, probe crossings
 *   third:  nuclear events, secondaries, neutral energy, energy leaving beyond the angle grid
 * (the cell's nuclear tallies, rows.wgsl, with their deposit in first), into
 * the cell's slot for stepTallies; the deposit added to the cell's dose and
 * the crossings (row PROBE_FACE - 1) to the probe's x (one writer each).
 * Row zHi (streamZ's only) has no loss, nuclear or streamX lanes this step.
 */
@compute @workgroup_size(256)
fn cellTallies(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) groups: vec3<u32>) {
  let w = control.window;
  let lane = lid / CELLS_PER_GROUP;
  let index = workgroupIndex(wid, groups) * CELLS_PER_GROUP + lid % CELLS_PER_GROUP;
  let valid = index < (w.zHiAfter - w.zLo) * NX;
  let cell = w.zLo * NX + index;
  var first = fxZero();
  var second = fxZero();
  var third = fxZero();
  if (valid) {
    let m = u32(tablesI[OFF_MATERIAL + min(cell, NZ * NX - 1u)]);
    let collided = cell / NX < w.zHi;
    if (NUCLEAR && collided && lane == 0u) {  // lane 0 alone: third needs no reduction
      let nuclear = rowTallies[CELL_NUCLEAR + 2u * cell];
      first = toFx(vec4<f32>(0.0, 0.0, 0.0, rowTallies[CELL_NUCLEAR + 2u * cell + 1u].x));
      third = toFx(nuclear);
    }
    for (var e = w.eLoAfter + lane; e < w.eHi; e += ENERGY_LANES) {
      let slot = 2u * (e * NZ * NX + cell);
      let a = select(vec4<f32>(0.0, 0.0, 0.0, rowTallies[slot].w), rowTallies[slot], collided);
      let b = rowTallies[slot + 1u];
      let energy = tablesF[OFF_ENERGY + e];
      let pair = e * NMAT + m;
      let absorbed = tablesF[OFF_LOSS_ABS + pair] * a.x + a.y;
      let deposit = tablesF[OFF_LOSS_DEP + pair] * a.x + energy * a.y;
      first = fxAdd(first, fxAdd(toFx(vec4<f32>(a.z, energy * a.z, absorbed, deposit)), toFx(vec4<f32>(a.w, energy * a.w, 0.0, 0.0))));
      second = fxAdd(second, toFx(vec4<f32>(a.y, b.y, energy * b.y, b.x)));
    }
  }
  first = reduceSegment(lid, lane, ENERGY_LANES, CELLS_PER_GROUP, first);
  second = reduceSegment(lid, lane, ENERGY_LANES, CELLS_PER_GROUP, second);
  if (valid && lane == 0u) {
    storeFx(ACCUM_CELLS + 36u * cell, first);
    storeFx(ACCUM_CELLS + 36u * cell + 12u, second);
    storeFx(ACCUM_CELLS + 36u * cell + 24u, third);
    accumulate(ACCUM_DOSE + 3u * cell, first, 3u);
    if (i32(cell / NX) == PROBE_FACE - 1) { accumulate(ACCUM_PROBE + 3u * (cell % NX), second, 3u); }
  }
}

/**
 * The next window from streamZ's box of non-zero values (dense: the whole
 * grid) and its derived bounds; the box is reset. The loss reaches MAX_DROP
 * bins down, streamZ one row on. With nuclear events the window starts at bin
 * 0 (their products go to any bin below the window's top), as the WASM
 * solver's (src/deterministic/solverLoop.ts runSolverLoop).
 */
fn advanceWindow() {
  let box = control.bbox;
  var w = Window(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  if (control.window.dense != 0u) {
    w = Window(0u, NE, 0u, NZ, 0u, NZ, 1u, 1u);
  } else if (box.y > box.x && box.w > box.z) {
    let eLo = select(box.x, 0u, NUCLEAR);
    w = Window(eLo, box.y, box.z, box.w, select(0u, eLo - MAX_DROP, eLo > MAX_DROP), min(NZ, box.w + 1u), 1u, 0u);
  }
  control.window = w;
  control.bbox = vec4<u32>(0xffffffffu, 0u, 0xffffffffu, 0u);
}

/** Run once by the host after it has written the source's box (or set dense). */
@compute @workgroup_size(1)
fn prepareWindow() { advanceWindow(); }

/** Lanes 0..lanes-1 of v as sums first.. of record k. */
fn recordSums(k: u32, first: u32, v: Fx4, lanes: u32) {
  for (var q = 0u; q < lanes; q++) {
    control.records[k].sums[3u * (first + q)] = v.w0[q];
    control.records[k].sums[3u * (first + q) + 1u] = v.w1[q];
    control.records[k].sums[3u * (first + q) + 2u] = v.w2[q];
  }
}

/**
 * One workgroup: the cells' sums of the step into its record, then the next
 * window.
 */
@compute @workgroup_size(256)
fn stepTallies(@builtin(local_invocation_index) lid: u32) {
  let w = control.window;
  var first = fxZero();
  var second = fxZero();
  var third = fxZero();
  for (var i = lid; i < (w.zHiAfter - w.zLo) * NX; i += 256u) {
    let c = ACCUM_CELLS + 36u * (w.zLo * NX + i);
    first = fxAdd(first, loadFx(c));
    second = fxAdd(second, loadFx(c + 12u));
    if (NUCLEAR) { third = fxAdd(third, loadFx(c + 24u)); }
  }
  first = reduceSegment(lid, lid, 256u, 1u, first);
  second = reduceSegment(lid, lid, 256u, 1u, second);
  if (NUCLEAR) { third = reduceSegment(lid, lid, 256u, 1u, third); }
  if (lid == 0u) {
    let k = control.record;
    if (k < MAX_RECORDS) {
      control.records[k].window = w;
      recordSums(k, 0u, first, 4u);
      recordSums(k, 4u, second, 3u);
      recordSums(k, 7u, third, 4u);
    }
    control.record = k + 1u;
    advanceWindow();
    if (k < MAX_RECORDS) { control.records[k].nextOccupied = control.window.occupied; }
  }
}
