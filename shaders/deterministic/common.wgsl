// Shared by the deterministic solver's kernels (src/deterministic/README.md;
// driver: src/deterministic/gpuSolver.ts). The host prepends the grid's
// constants (NX, NZ, NT, NE, NMAT, JMAX, KW, MAX_DROP, LOSS_SLOTS, PROBE_FACE,
// PSI_FLOOR),
// the table offsets (OFF_*, ACCUM_*) and the workgroup shape (ROWS rows of
// NT threads, WG = ROWS * NT; a block of BLOCK = UNROLL * ROWS rows), all
// generated from src/deterministic/gpuTables.ts, so shaders and buffers
// cannot drift apart.
//
// psi is f32, [((e * NZ + z) * NX + x) * NT + t] as in the WASM solver. A
// step only touches the window of energies and rows that hold particles;
// stepTallies (tally.wgsl) moves the window on the GPU, so many steps run per
// submit without a read-back. Dispatch sizes are fixed (indirect dispatch
// costs Dawn up to ~0.1 ms each): the row kernels are persistent, each
// workgroup taking blocks of rows of the current window in turn.
//
// Tallies never use float atomics. A workgroup row (e, z, x) of NT bins sums
// its tallies over t in f32 by a fixed tree (reduceRow) into its own slot of
// the row tallies (rows.wgsl); cellTallies and stepTallies (tally.wgsl) sum
// the rows in 96-bit fixed point (Fx4), exact and independent of the order
// of the threads. So a run is reproducible bit for bit.
//
// Speed: one thread per direction bin, in UNROLL rows at once, its loads for
// all of them issued before any result is stored, so enough bytes are in
// flight to approach the memory bandwidth (one load in flight per thread
// reached 1.7 TB/s on an H200, four 3.8 TB/s). Streaming too is one thread
// per bin: a bin's new value needs only four neighbours along the flow.

/** The part of psi a step visits: energies [eLo, eHi) and rows [zLo, zHi) before the loss, [eLoAfter, eHi) after it, rows up to zHiAfter after streamZ. */
struct Window { eLo: u32, eHi: u32, zLo: u32, zHi: u32, eLoAfter: u32, zHiAfter: u32, occupied: u32, dense: u32 }

/** The operators read only the window at the head of the control buffer (layout: Control in tally.wgsl). */
struct ControlWindow { window: Window }

// ---- 96-bit fixed point ---------------------------------------------------
// A non-negative value v (particles or MeV per primary, below 2^16) is held as
// round(v * 2^80) in three words: w2 counts 2^-16, w1 2^-48, w0 2^-80. f32 to
// fixed point is exact for v >= 2^-56 (scaling by powers of two and taking
// fractional parts are exact for an f32) and rounds to 2^-81 below, so a sum
// of f32 values is exact to 2^-81 per term whatever the order of the adds:
// a step's balance closes to ~1e-9 of what psi holds even when psi holds
// 1e-11 of a primary. Four quantities travel together in the lanes of Fx4.
struct Fx4 { w0: vec4<u32>, w1: vec4<u32>, w2: vec4<u32> }

fn fxZero() -> Fx4 { return Fx4(vec4<u32>(0u), vec4<u32>(0u), vec4<u32>(0u)); }

fn carry(sum: vec4<u32>, addend: vec4<u32>) -> vec4<u32> { return select(vec4<u32>(0u), vec4<u32>(1u), sum < addend); }

fn fxAdd(a: Fx4, b: Fx4) -> Fx4 {
  let w0 = a.w0 + b.w0;
  let w1Sum = a.w1 + b.w1;
  let w1 = w1Sum + carry(w0, a.w0);
  return Fx4(w0, w1, a.w2 + b.w2 + carry(w1Sum, a.w1) + carry(w1, w1Sum));
}

fn toFx(v: vec4<f32>) -> Fx4 {
  let scaled = max(v, vec4<f32>(0.0)) * 65536.0;
  let w2 = floor(scaled);
  let rest = (scaled - w2) * 4294967296.0;
  let w1 = floor(rest);
  return Fx4(vec4<u32>(round((rest - w1) * 4294967296.0)), vec4<u32>(w1), vec4<u32>(w2));
}

/** Lane `lane` back to f32 (relative error 2^-24). */
fn fxToF32(v: Fx4, lane: u32) -> f32 {
  return ldexp(f32(v.w2[lane]), -16) + ldexp(f32(v.w1[lane]), -48) + ldexp(f32(v.w0[lane]), -80);
}

/** Lane `src` of v as lane `dst` of an otherwise zero Fx4. */
fn fxLane(v: Fx4, src: u32, dst: u32) -> Fx4 {
  var out = fxZero();
  out.w0[dst] = v.w0[src];
  out.w1[dst] = v.w1[src];
  out.w2[dst] = v.w2[src];
  return out;
}

// ---- workgroup reductions ---------------------------------------------------
var<workgroup> rowSums: array<vec4<f32>, 256>;

/**
 * Sums v over the NT threads of a workgroup row (lid = r NT + t) in f32, by a
 * fixed tree (so the same inputs give the same sum): thread t = 0 gets it.
 * Every thread of the workgroup must call it (it holds barriers).
 */
fn reduceRow(lid: u32, t: u32, v: vec4<f32>) -> vec4<f32> {
  rowSums[lid] = v;
  workgroupBarrier();
  for (var s = REDUCE_START; s > 0u; s >>= 1u) {  // REDUCE_START: the largest power of 2 below NT
    if (t < s && t + s < NT) { rowSums[lid] += rowSums[lid + s]; }
    workgroupBarrier();
  }
  return rowSums[lid];
}

var<workgroup> sharedWindow: Window;

/** The window as a uniform value (loop bounds around barriers may depend on it); every thread must call it. */
fn uniformWindow(lid: u32, w: Window) -> Window {
  if (lid == 0u) { sharedWindow = w; }
  return workgroupUniformLoad(&sharedWindow);
}

var<workgroup> reduce0: array<vec4<u32>, 256>;
var<workgroup> reduce1: array<vec4<u32>, 256>;
var<workgroup> reduce2: array<vec4<u32>, 256>;

/**
 * Sums v over a segment of segLen (<= 256) threads, lid = first + k * stride
 * for k = 0..segLen-1; thread k = 0 gets the segment's total. Every thread of
 * the workgroup must call it (it holds barriers). A tree: at stride s, element
 * k < s takes in element k + s, for s = 128, 64, ..., 1.
 */
fn reduceSegment(lid: u32, k: u32, segLen: u32, stride: u32, v: Fx4) -> Fx4 {
  reduce0[lid] = v.w0;
  reduce1[lid] = v.w1;
  reduce2[lid] = v.w2;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (k < s && k + s < segLen) {
      let other = lid + s * stride;
      let sum = fxAdd(Fx4(reduce0[lid], reduce1[lid], reduce2[lid]), Fx4(reduce0[other], reduce1[other], reduce2[other]));
      reduce0[lid] = sum.w0;
      reduce1[lid] = sum.w1;
      reduce2[lid] = sum.w2;
    }
    workgroupBarrier();
  }
  return Fx4(reduce0[lid], reduce1[lid], reduce2[lid]);
}

// ---- indexing -------------------------------------------------------------
/** Dispatches wider than 65,535 workgroups are split over y. */
fn workgroupIndex(wid: vec3<u32>, groups: vec3<u32>) -> u32 { return wid.x + wid.y * groups.x; }

/**
 * A row of NT bins is named by its slot s = (e * NZ + z) * NX + x: its bin t
 * is psi[s * NT + t]. NO_ROW marks a thread's unused row.
 */
const NO_ROW: u32 = 0xffffffffu;
const CELLS: u32 = NZ * NX;

/**
 * Whether the block of rows [first, first + BLOCK) of the window enumeration
 * (windowSlot) holds a row in depth z (blockHasDepth) or in column x
 * (blockHasColumn): the rare rows with escapes or probe crossings, whose
 * tallies alone need a reduction. Functions of the block and window only, so
 * the same for every thread of the workgroup, as barriers require; they may
 * say true for rows past the window's last (harmless: a reduction of zeros).
 */
fn blockHasDepth(first: u32, zEnd: u32, w: Window, z: i32) -> bool {
  let perEnergy = (zEnd - w.zLo) * NX;
  if (perEnergy == 0u || z < i32(w.zLo) || z >= i32(zEnd)) { return false; }
  let last = first + BLOCK - 1u;
  let z0 = i32(w.zLo + (first % perEnergy) / NX);
  let z1 = i32(w.zLo + (last % perEnergy) / NX);
  switch (last / perEnergy - first / perEnergy) {
    case 0u: { return z >= z0 && z <= z1; }
    case 1u: { return z >= z0 || z <= z1; }
    default: { return true; }
  }
}

fn blockHasColumn(first: u32, x: u32) -> bool {
  if (BLOCK >= NX) { return true; }
  let x0 = first % NX;
  let x1 = (first + BLOCK - 1u) % NX;
  return select(x >= x0 || x <= x1, x >= x0 && x <= x1, x0 <= x1);
}

/** The index-th row of energies [eFirst, w.eHi) and rows [w.zLo, zEnd), x fastest, or NO_ROW past the last. */
fn windowSlot(index: u32, eFirst: u32, zEnd: u32, w: Window) -> u32 {
  let perEnergy = (zEnd - w.zLo) * NX;
  if (index >= (w.eHi - eFirst) * perEnergy) { return NO_ROW; }
  return (eFirst + index / perEnergy) * CELLS + w.zLo * NX + index % perEnergy;
}

// ---- streaming ------------------------------------------------------------
/** The one of a and b nearer zero when they have the same sign, else 0 (LeVeque 2002, ch. 6). */
fn minmod(a: f32, b: f32) -> f32 {
  if (a > 0.0 && b > 0.0) { return min(a, b); }
  if (a < 0.0 && b < 0.0) { return max(a, b); }
  return 0.0;
}

/**
 * The monotonized central slope from the differences a = q - qUp and
 * b = qDown - q: minmod((a + b) / 2, 2a, 2b) (van Leer, J. Comput. Phys. 23
 * (1977) 276; LeVeque 2002, ch. 6), as the WASM kernels' limitedSlope
 * (assembly/deterministic/muscl.ts). |s| <= 2 q for q and its neighbours >= 0.
 */
fn limitedSlope(a: f32, b: f32) -> f32 {
  return minmod(minmod(2.0 * a, 2.0 * b), 0.5 * (a + b));
}

/**
 * What leaves a cell holding q through its downstream face in a step that
 * moves a fraction a in [0, 1] of a cell (qUp, qDown: its upstream and
 * downstream neighbours, 0 outside the window, which holds nothing there):
 * the MUSCL flux (van Leer, J. Comput. Phys. 32 (1979) 101; LeVeque, Finite
 * Volume Methods for Hyperbolic Problems (2002), ch. 6), the integral of the
 * cell's linear profile over the part that crosses,
 * F = a q + a (1 - a) s / 2, s = limitedSlope(q - qUp, qDown - q), s = 0 in
 * the grid's first and last cells. |s| <= 2 q gives
 * f^2 q <= F <= f (2 - f) q <= q; the clamp keeps 0 <= F <= q after f32
 * rounding too, so q - F + F_in (the same F leaves one cell and enters the
 * next) is never negative.
 */
fn musclFlux(qUp: f32, q: f32, qDown: f32, a: f32, gridEdge: bool) -> f32 {
  let slope = select(limitedSlope(q - qUp, qDown - q), 0.0, gridEdge);
  return clamp(a * q + 0.5 * a * (1.0 - a) * slope, 0.0, q);
}
