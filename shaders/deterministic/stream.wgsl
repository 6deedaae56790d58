// streamX(ds) and streamZ(ds), psiIn -> psiOut (src/deterministic/README.md,
// "streamX, streamZ"): the conservative flux form with MUSCL fluxes and the
// monotonized central slope (musclFlux, common.wgsl), one thread per bin. A bin's new value is
// q_c - F(c) + F(c - d) (d = +-1, the direction of the shift), four
// neighbours along the flow away; F(c) is computed by the two threads that
// need it (cells c and c + d) by the same code from the same inputs, so they
// agree to the bit and what leaves one cell enters the next. Nothing enters
// from outside; what leaves the last cell leaves the grid (escaped).
//
// Row tallies (rows.wgsl), summed over t: streamX writes the particles that
// left the row's cell through x's outer faces; streamZ those that left
// through the last z face, those that crossed the probe face (the flux out
// of row PROBE_FACE - 1) and the particles now in the row. streamZ also
// finds the next step's window: the smallest box of energies and rows
// holding a non-zero value, in control.bbox (atomicMin/atomicMax on u32,
// merged in workgroup memory first; upper bounds one past the last).
//
// With SCATTER_AFTER (the steps after the first), streamZ scatters the rows
// it has streamed before it writes them (convolve.wgsl): the next step's
// first scatter, without a pass of its own. The particles it counts are
// those it writes.

struct ControlBox { window: Window, bbox: array<atomic<u32>, 4> }

@group(0) @binding(0) var<storage, read> psiIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> psiOut: array<f32>;
@group(0) @binding(2) var<storage, read> tablesF: array<f32>;
@group(0) @binding(3) var<storage, read> tablesI: array<i32>;
@group(0) @binding(4) var<storage, read_write> control: ControlBox;

var<workgroup> groupBox: array<atomic<u32>, 4>;

/** A column of psi through one bin: cells [first, end) hold psi (the rest is 0), flow toward d. */
struct Column { base: u32, stride: u32, first: i32, end: i32, d: i32, a: f32, gridEnd: i32 }

fn columnQ(c: Column, i: i32) -> f32 {
  if (i < c.first || i >= c.end) { return 0.0; }
  return psiIn[c.base + u32(i) * c.stride];
}

/** The flux out of cell i (holding q, between qUp and qDown) toward i + d; 0 outside the cells that hold psi. */
fn fluxOut(c: Column, i: i32, qUp: f32, q: f32, qDown: f32) -> f32 {
  if (i < c.first || i >= c.end) { return 0.0; }
  return musclFlux(qUp, q, qDown, c.a, i == 0 || i == c.gridEnd - 1);
}

/** Cell i after the step, and the flux out of it. */
fn streamed(c: Column, i: i32) -> vec2<f32> {
  let q = array<f32, 4>(columnQ(c, i - 2 * c.d), columnQ(c, i - c.d), columnQ(c, i), columnQ(c, i + c.d));
  let outflow = fluxOut(c, i, q[1], q[2], q[3]);
  return vec2<f32>(q[2] - outflow + fluxOut(c, i - c.d, q[0], q[1], q[2]), outflow);
}

/** Rows (e, z, x) of energies [eLoAfter, eHi), rows [zLo, zHi): the new value of each bin along x. */
@compute @workgroup_size(WG)
fn streamX(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) groups: vec3<u32>) {
  let w = uniformWindow(lid, control.window);
  let count = (w.eHi - w.eLoAfter) * (w.zHi - w.zLo) * NX;
  let r = lid / NT;
  let t = lid % NT;
  let f = tablesF[OFF_SHIFT_X + t];
  for (var block = workgroupIndex(wid, groups); block * BLOCK < count; block += groups.x * groups.y) {
    var rows: array<u32, UNROLL>;
    var out: array<f32, UNROLL>;
    var escaped = vec4<f32>(0.0);
    for (var u = 0u; u < UNROLL; u++) {
      let s = windowSlot(block * BLOCK + u * ROWS + r, w.eLoAfter, w.zHi, w);
      rows[u] = s;
      if (s != NO_ROW) {
        let x = s % NX;
        let col = Column((s - x) * NT + t, NT, 0, i32(NX), select(1, -1, f < 0.0), abs(f), i32(NX));
        let result = streamed(col, i32(x));
        out[u] = result.x;
        let next = i32(x) + col.d;
        escaped[u] = select(0.0, result.y, next < 0 || next >= i32(NX));
      }
    }
    for (var u = 0u; u < UNROLL; u++) {
      if (rows[u] != NO_ROW) { psiOut[rows[u] * NT + t] = out[u]; }
    }
    // escapes only leave the first and last columns: other blocks write 0 without a reduction
    var total = vec4<f32>(0.0);
    if (blockHasColumn(block * BLOCK, 0u) || blockHasColumn(block * BLOCK, NX - 1u)) {
      total = reduceRow(lid, t, escaped);
    }
    if (t == 0u) {
      for (var u = 0u; u < UNROLL; u++) {
        if (rows[u] != NO_ROW) { rowTallies[2u * rows[u]].z = total[u]; }
      }
    }
  }
}

/** Rows (e, z, x) of energies [eLoAfter, eHi), rows [zLo, zHiAfter) (row zHi only receives): the new value along z. */
@compute @workgroup_size(WG)
fn streamZ(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) groups: vec3<u32>) {
  if (lid == 0u) {
    atomicStore(&groupBox[0], 0xffffffffu);
    atomicStore(&groupBox[1], 0u);
    atomicStore(&groupBox[2], 0xffffffffu);
    atomicStore(&groupBox[3], 0u);
  }
  let w = uniformWindow(lid, control.window);
  let count = (w.eHi - w.eLoAfter) * (w.zHiAfter - w.zLo) * NX;
  let r = lid / NT;
  let t = lid % NT;
  let a = tablesF[OFF_SHIFT_Z + t];
  var box = vec4<u32>(0xffffffffu, 0u, 0xffffffffu, 0u);  // this thread's non-zero bins: e from, e to, z from, z to
  for (var block = workgroupIndex(wid, groups); block * BLOCK < count; block += groups.x * groups.y) {
    var rows: array<u32, UNROLL>;
    var out: array<f32, UNROLL>;
    var escaped = vec4<f32>(0.0);
    var probe = vec4<f32>(0.0);
    for (var u = 0u; u < UNROLL; u++) {
      let s = windowSlot(block * BLOCK + u * ROWS + r, w.eLoAfter, w.zHiAfter, w);
      rows[u] = s;
      if (s != NO_ROW) {
        let cell = s % CELLS;
        let col = Column((s - cell + cell % NX) * NT + t, NX * NT, i32(w.zLo), i32(w.zHi), 1, a, i32(NZ));
        let z = i32(cell / NX);
        let result = streamed(col, z);
        out[u] = result.x;
        escaped[u] = select(0.0, result.y, z == i32(NZ) - 1);
        probe[u] = select(0.0, result.y, z == PROBE_FACE - 1);
      }
    }
    if (SCATTER_AFTER) { scatterBlock(lid, rows, &out); }
    var particles = vec4<f32>(0.0);
    for (var u = 0u; u < UNROLL; u++) {
      let s = rows[u];
      if (s != NO_ROW) {
        psiOut[s * NT + t] = out[u];
        particles[u] = out[u];
        if (out[u] != 0.0) {
          let e = s / CELLS;
          let z = (s % CELLS) / NX;
          box = vec4<u32>(min(box.x, e), max(box.y, e + 1u), min(box.z, z), max(box.w, z + 1u));
        }
      }
    }
    // escapes and probe crossings only in rows NZ - 1 and PROBE_FACE - 1: other blocks skip their reductions
    var escapedTotal = vec4<f32>(0.0);
    var probeTotal = vec4<f32>(0.0);
    if (blockHasDepth(block * BLOCK, w.zHiAfter, w, i32(NZ) - 1)) { escapedTotal = reduceRow(lid, t, escaped); }
    if (blockHasDepth(block * BLOCK, w.zHiAfter, w, PROBE_FACE - 1)) { probeTotal = reduceRow(lid, t, probe); }
    let particlesTotal = reduceRow(lid, t, particles);
    if (t == 0u) {
      for (var u = 0u; u < UNROLL; u++) {
        if (rows[u] != NO_ROW) {
          let slot = 2u * rows[u];
          rowTallies[slot].w = escapedTotal[u];
          rowTallies[slot + 1u] = vec4<f32>(probeTotal[u], particlesTotal[u], 0.0, 0.0);
        }
      }
    }
  }
  if (box.y > 0u) {
    atomicMin(&groupBox[0], box.x);
    atomicMax(&groupBox[1], box.y);
    atomicMin(&groupBox[2], box.z);
    atomicMax(&groupBox[3], box.w);
  }
  workgroupBarrier();
  if (lid == 0u && atomicLoad(&groupBox[1]) > 0u) {
    atomicMin(&control.bbox[0], atomicLoad(&groupBox[0]));
    atomicMax(&control.bbox[1], atomicLoad(&groupBox[1]));
    atomicMin(&control.bbox[2], atomicLoad(&groupBox[2]));
    atomicMax(&control.bbox[3], atomicLoad(&groupBox[3]));
  }
}
