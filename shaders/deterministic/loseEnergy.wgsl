// loseEnergy(ds) from psiIn to psiOut (src/deterministic/README.md,
// "loseEnergy"), written as a gather so that each output bin has one writer:
// bin j of a cell takes w_k in[e] (k < LOSS_SLOTS) from every source bin e in
// [j, j + MAX_DROP] of the same cell and direction whose target jLo + k is j.
// Then an output below PSI_FLOOR is set to 0 and counted as absorbed, its
// energy deposited in the cell (the floor rule).
//
// With SCATTER_AFTER (the steps), the output rows are then scattered
// (convolve.wgsl) before they are written: the step's second scatter.
//
// Row tallies (rows.wgsl), summed over t: the particles of source row j
// before the loss and those floored in output row j. cellTallies
// (tally.wgsl) turns them into the cell's deposit,
// lossDepositMeV(j, m) * particles + E_j * floored, and absorbed particles,
// lossAbsorbed(j, m) * particles + floored.

@group(0) @binding(0) var<storage, read> psiIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> psiOut: array<f32>;
@group(0) @binding(2) var<storage, read> tablesF: array<f32>;
@group(0) @binding(3) var<storage, read> tablesI: array<i32>;
@group(0) @binding(4) var<storage, read> control: ControlWindow;

/** Output bin t of row s = (j, cell) before the floor, and the source row j's own bin (0 outside the window). */
fn gathered(w: Window, s: u32, t: u32) -> vec2<f32> {
  let j = s / CELLS;
  let cell = s % CELLS;
  let m = u32(tablesI[OFF_MATERIAL + cell]);
  var out = 0.0;
  var source = 0.0;
  for (var i = 0u; i <= MAX_DROP; i++) {
    let e = j + i;
    let inWindow = e >= w.eLo && e < w.eHi;
    let pair = min(e, NE - 1u) * NMAT + m;
    let k = i32(j) - tablesI[OFF_FIRST_BIN + pair];
    let weight = select(0.0, tablesF[OFF_LOSS_W + pair * LOSS_SLOTS + u32(clamp(k, 0, i32(LOSS_SLOTS) - 1))], inWindow && k >= 0 && k < i32(LOSS_SLOTS));
    let value = select(0.0, psiIn[(min(e, NE - 1u) * CELLS + cell) * NT + t], inWindow);
    out += weight * value;
    if (i == 0u) { source = value; }
  }
  return vec2<f32>(out, source);
}

@compute @workgroup_size(WG)
fn loseEnergy(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) groups: vec3<u32>) {
  let w = uniformWindow(lid, control.window);
  let count = (w.eHi - w.eLoAfter) * (w.zHi - w.zLo) * NX;
  let r = lid / NT;
  let t = lid % NT;
  for (var block = workgroupIndex(wid, groups); block * BLOCK < count; block += groups.x * groups.y) {
    var rows: array<u32, UNROLL>;
    var values: array<vec2<f32>, UNROLL>;
    for (var u = 0u; u < UNROLL; u++) {
      rows[u] = windowSlot(block * BLOCK + u * ROWS + r, w.eLoAfter, w.zHi, w);
      if (rows[u] != NO_ROW) { values[u] = gathered(w, rows[u], t); }
    }
    var tallies: array<vec2<f32>, UNROLL + 1u>;  // source particles, floored (two rows a reduction)
    var out: array<f32, UNROLL>;
    for (var u = 0u; u < UNROLL; u++) {
      out[u] = select(values[u].x, 0.0, values[u].x < PSI_FLOOR);
      tallies[u] = vec2<f32>(values[u].y, select(0.0, values[u].x, values[u].x < PSI_FLOOR));
    }
    if (SCATTER_AFTER) { scatterBlock(lid, rows, &out); }
    for (var u = 0u; u < UNROLL; u++) {
      if (rows[u] != NO_ROW) { psiOut[rows[u] * NT + t] = out[u]; }
    }
    for (var u = 0u; u < UNROLL; u += 2u) {
      let total = reduceRow(lid, t, vec4<f32>(tallies[u], tallies[u + 1u]));
      if (t == 0u) {
        for (var v = 0u; v < 2u; v++) {
          let s = rows[min(u + v, UNROLL - 1u)];
          if (u + v < UNROLL && s != NO_ROW) {
            let slot = 2u * s;
            rowTallies[slot].x = total[2u * v];
            rowTallies[slot].y = total[2u * v + 1u];
          }
        }
      }
    }
  }
}
