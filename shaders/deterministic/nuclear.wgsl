// Nuclear events (src/deterministic/README.md, "Nuclear events"), in place on
// psi between the energy loss (with the step's second scatter) and streamX:
// the WASM kernel nuclearRows (assembly/deterministic/nuclearRows.ts) with the
// same operations per cell, in f32, on the tables of nuclearTables.ts
// (gpuTables.ts rounds them). One workgroup per cell of the window's rows
// [zLo, zHi) (persistent: each takes cells in turn), in three phases:
//
//   1. bins e in [eLoAfter, eHi), one thread a bin, its directions in t order
//      as the WASM kernel: the nonelastic fraction removal(e, m) and the
//      elastic fraction elastic(e, m) taken out of every direction; the
//      elastic ones put back into bin e about their mean direction bin by the
//      elastic kernel, what falls beyond the grid deposited in the cell
//      (e < WIDE_LOCAL_BINS) or leaving; the nonelastic ones summed per node
//      with their direction moment (thread 0, in e order).
//   2. thread 0, per node with removed particles: its mean direction bin, its
//      neutral, local and leaving energy per event.
//   3. target bins j below the nodes' top, one thread a bin: each node's
//      yields placed about its mean bin, in node order; what falls beyond the
//      grid (the node's total yield into j less what was placed) deposited or
//      leaving as in 1.
//
// The cell's tallies go after the row tallies (rows.wgsl, CELL_NUCLEAR), for
// cellTallies (tally.wgsl): nuclear events (particles removed), secondaries
// placed in psi, neutral MeV, MeV leaving beyond the angle grid; MeV
// deposited in the cell.

const NUCLEAR_WG: u32 = 64u;
/** Angle offsets of the elastic kernel and the yields: d - (NT - 1), d = 0..2 NT - 2. */
const OFFSETS: u32 = 2u * NT - 1u;

@group(0) @binding(1) var<storage, read_write> psi: array<f32>;
@group(0) @binding(2) var<storage, read> tablesF: array<f32>;
@group(0) @binding(3) var<storage, read> tablesI: array<i32>;
@group(0) @binding(4) var<storage, read> control: ControlWindow;

var<workgroup> nodeRemoved: array<f32, NNODES>;
var<workgroup> nodeMoment: array<f32, NNODES>;
/** Nodes with removed particles (phase 2): node, particles, mean direction bin; how many; the top of their products. */
var<workgroup> activeNode: array<u32, NNODES>;
var<workgroup> activeRemoved: array<f32, NNODES>;
var<workgroup> activeMean: array<u32, NNODES>;
var<workgroup> activeCount: u32;
var<workgroup> productTop: u32;
/** Per thread of a phase: its bin's nonelastic particles and their direction moment; events, secondaries, deposited MeV, leaving MeV. */
var<workgroup> binRemoved: array<vec2<f32>, NUCLEAR_WG>;
var<workgroup> binTallies: array<vec4<f32>, NUCLEAR_WG>;

/** nuclearRows.ts: the mean direction bin min(max(nearest(moment / particles), 0), NT - 1) (round: half to even, as nearest). */
fn meanBin(moment: f32, particles: f32) -> u32 {
  return u32(clamp(round(moment / particles), 0.0, f32(NT - 1u)));
}

/** Energy of bin j's particles beyond the angle grid: deposited in the cell if j < WIDE_LOCAL_BINS, else leaving (lanes z, w of binTallies). */
fn beyondGrid(j: u32, energyMeV: f32) -> vec4<f32> {
  return select(vec4<f32>(0.0, 0.0, 0.0, energyMeV), vec4<f32>(0.0, 0.0, energyMeV, 0.0), j < WIDE_LOCAL_BINS);
}

/** Phase 1 for bin e of the cell (material m): removal and elastic events of nuclearRows.ts's first loop. */
fn removeBin(e: u32, cell: u32, m: u32, k: u32) {
  let pair = e * NMAT + m;
  let p = tablesF[OFF_NUC_REMOVAL + pair];
  let q = tablesF[OFF_NUC_ELASTIC + pair];
  var sums = vec4<f32>(0.0);  // nonelastic particles, their moment in t, elastic particles, their moment
  var tallies = vec4<f32>(0.0);
  if (p != 0.0 || q != 0.0) {
    let row = (e * CELLS + cell) * NT;
    for (var t = 0u; t < NT; t++) {
      let v = psi[row + t];
      let r = p * v;
      let s = q * v;
      psi[row + t] = v - r - s;
      sums += vec4<f32>(r, r * f32(t), s, s * f32(t));
    }
    tallies.x = sums.x;
    if (sums.z != 0.0) {
      let kernel = OFF_NUC_ELASTIC_K + pair * OFFSETS + NT - 1u - meanBin(sums.w, sums.z);
      var placed = 0.0;
      for (var t = 0u; t < NT; t++) {
        let a = sums.z * tablesF[kernel + t];
        psi[row + t] += a;
        placed += a;
      }
      // f32: the kernel's in-grid weights may sum a few ulps above what was turned
      tallies += vec4<f32>(sums.z, placed, 0.0, 0.0) + beyondGrid(e, max(0.0, sums.z - placed) * tablesF[OFF_ENERGY + e]);
    }
  }
  binRemoved[k] = sums.xy;
  binTallies[k] = tallies;
}

/** Phase 3 for target bin j of the cell: the products of the active nodes, nuclearRows.ts's last loop. */
fn placeProducts(j: u32, cell: u32, k: u32) {
  let row = (j * CELLS + cell) * NT;
  var tallies = vec4<f32>(0.0);
  for (var i = 0u; i < activeCount; i++) {
    let g = activeNode[i];
    if (j >= u32(tablesI[OFF_NUC_NODE_TOP + g])) { continue; }
    let total = tablesF[OFF_NUC_YIELD_TOTAL + g * NE + j];
    if (total == 0.0) { continue; }
    let removed = activeRemoved[i];
    let yields = OFF_NUC_YIELDS + (g * NE + j) * OFFSETS + NT - 1u - activeMean[i];
    var placed = 0.0;
    for (var t = 0u; t < NT; t++) {
      let a = removed * tablesF[yields + t];
      psi[row + t] += a;
      placed += a;
    }
    tallies += vec4<f32>(0.0, placed, 0.0, 0.0) + beyondGrid(j, max(0.0, removed * total - placed) * tablesF[OFF_ENERGY + j]);
  }
  binTallies[k] = tallies;
}

@compute @workgroup_size(NUCLEAR_WG)
fn nuclearCells(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) groups: vec3<u32>) {
  let w = uniformWindow(lid, control.window);
  let count = (w.zHi - w.zLo) * NX;
  for (var c = workgroupIndex(wid, groups); c < count; c += groups.x * groups.y) {
    let cell = w.zLo * NX + c;
    let m = u32(tablesI[OFF_MATERIAL + cell]);
    for (var g = lid; g < NNODES; g += NUCLEAR_WG) {
      nodeRemoved[g] = 0.0;
      nodeMoment[g] = 0.0;
    }
    var totals = vec4<f32>(0.0);  // thread 0: events, secondaries, deposited MeV, leaving MeV
    var neutral = 0.0;
    for (var e0 = w.eLoAfter; e0 < w.eHi; e0 += NUCLEAR_WG) {
      let e = e0 + lid;
      if (e < w.eHi) { removeBin(e, cell, m, lid); }
      workgroupBarrier();
      if (lid == 0u) {
        // nuclearRows.ts: bin e's events count w for node g and 1 - w for node g + 1
        for (var k = 0u; k < min(NUCLEAR_WG, w.eHi - e0); k++) {
          let g = u32(tablesI[OFF_NUC_NODE_OF + e0 + k]);
          let weight = tablesF[OFF_NUC_NODE_WEIGHT + e0 + k];
          let b = binRemoved[k];
          nodeRemoved[g] += weight * b.x;
          nodeMoment[g] += weight * b.y;
          nodeRemoved[g + 1u] += (1.0 - weight) * b.x;
          nodeMoment[g + 1u] += (1.0 - weight) * b.y;
          totals += binTallies[k];
        }
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      var n = 0u;
      var top = 0u;
      for (var g = 0u; g < NNODES; g++) {
        let removed = nodeRemoved[g];
        if (removed == 0.0) { continue; }
        neutral += removed * tablesF[OFF_NUC_NEUTRAL + g];
        totals += removed * vec4<f32>(0.0, 0.0, tablesF[OFF_NUC_LOCAL + g], tablesF[OFF_NUC_LEAVING + g]);
        activeNode[n] = g;
        activeRemoved[n] = removed;
        activeMean[n] = meanBin(nodeMoment[g], removed);
        n++;
        top = max(top, u32(tablesI[OFF_NUC_NODE_TOP + g]));
      }
      activeCount = n;
      productTop = top;
    }
    let top = workgroupUniformLoad(&productTop);
    for (var j0 = 0u; j0 < top; j0 += NUCLEAR_WG) {
      let j = j0 + lid;
      if (j < top) { placeProducts(j, cell, lid); }
      workgroupBarrier();
      if (lid == 0u) {
        for (var k = 0u; k < min(NUCLEAR_WG, top - j0); k++) { totals += binTallies[k]; }
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      rowTallies[CELL_NUCLEAR + 2u * cell] = vec4<f32>(totals.x, totals.y, neutral, totals.w);
      rowTallies[CELL_NUCLEAR + 2u * cell + 1u] = vec4<f32>(totals.z, 0.0, 0.0, 0.0);
    }
  }
}
