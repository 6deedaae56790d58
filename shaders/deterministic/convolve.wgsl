// The half-step angular convolution (src/deterministic/README.md, "scatter")
// of rows held in workgroup memory, for scatter.wgsl and for the kernels
// that finish whole rows and scatter them before writing (loseEnergy, so the
// step's second scatter costs no pass over psi; streamZ, the next step's
// first). A workgroup holds a block of BLOCK rows (place u * ROWS + r) and
// their kernels.
//
// Kernel weights: w_j at tablesF[OFF_KERNEL_W + (e * NMAT + m) * KW + JMAX + j]
// for |j| <= halfWidth = tablesI[OFF_HALF_WIDTH + e * NMAT + m].

/** loseEnergy and streamZ: scatter the rows before writing them (the steps' fused forms). */
override SCATTER_AFTER: bool = false;

var<workgroup> rowIn: array<f32, BLOCK * NT>;
var<workgroup> rowKernel: array<f32, BLOCK * KW>;

/** Loads the kernel of row s (energy, material of its cell) into `place` of the block (threads t = 0..NT-1 share it); returns its half-width. */
fn loadRowKernel(place: u32, s: u32, t: u32) -> i32 {
  let pair = (s / CELLS) * NMAT + u32(tablesI[OFF_MATERIAL + s % CELLS]);
  let halfWidth = tablesI[OFF_HALF_WIDTH + pair];
  // only the weights the row uses, j = -halfWidth..halfWidth (most rows: 3 of KW)
  let first = JMAX - u32(halfWidth);
  for (var k = t; k <= 2u * u32(halfWidth); k += NT) { rowKernel[place * KW + first + k] = tablesF[OFF_KERNEL_W + pair * KW + first + k]; }
  return halfWidth;
}

/**
 * Bin t of the scattered row in `slot`: out[t] = sum_j w_j in[t - j], a
 * target beyond the first or last bin folded into that bin, so the row's
 * particle number is unchanged.
 */
fn scatteredBin(place: u32, t: i32, halfWidth: i32) -> f32 {
  let last = i32(NT) - 1;
  let rowBase = place * NT;
  let centre = i32(place * KW + JMAX);  // w_j at rowKernel[centre + j]
  var acc = 0.0;
  if (t > 0 && t < last) {
    for (var j = max(-halfWidth, t - last); j <= min(halfWidth, t); j++) {
      acc += rowKernel[u32(centre + j)] * rowIn[rowBase + u32(t - j)];
    }
  } else {
    // An edge bin also takes every particle pushed past it: source s = d (t = 0, shifts j <= -d)
    // or s = last - d (t = last, shifts j >= d), with the kernel's tail summed from the far end in.
    var tail = 0.0;
    for (var d = halfWidth; d >= 0; d--) {
      tail += rowKernel[u32(centre + select(d, -d, t == 0))];
      if (d <= last) { acc += tail * rowIn[rowBase + u32(select(last - d, d, t == 0))]; }
    }
  }
  return acc;
}

/**
 * Scatters the block's rows in place in `values` (bin t of row u of this
 * thread): through workgroup memory, so every thread of the workgroup must
 * call it (it holds barriers).
 */
fn scatterBlock(lid: u32, rows: array<u32, UNROLL>, values: ptr<function, array<f32, UNROLL>>) {
  let r = lid / NT;
  let t = lid % NT;
  var halfWidth: array<i32, UNROLL>;
  for (var u = 0u; u < UNROLL; u++) {
    if (rows[u] != NO_ROW) {
      halfWidth[u] = loadRowKernel(u * ROWS + r, rows[u], t);
      rowIn[(u * ROWS + r) * NT + t] = (*values)[u];
    }
  }
  workgroupBarrier();
  for (var u = 0u; u < UNROLL; u++) {
    if (rows[u] != NO_ROW) { (*values)[u] = scatteredBin(u * ROWS + r, i32(t), halfWidth[u]); }
  }
  workgroupBarrier();
}
