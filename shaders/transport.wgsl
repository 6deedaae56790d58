// Condensed-history transport of one history per invocation (persistent
// threads taking histories from an atomic counter): the physics of
// assembly/stepScalar.ts and assembly/lanes.ts, step by step, on f32. Read
// those files for the formulas and their sources. The constants P_*, M_*,
// T_*, the physics constants and the tally indices are generated from the
// TypeScript layout schema (src/gpu/wgslPreamble.ts), so buffers and shader
// cannot drift apart; philox.wgsl is prepended.
//
// Nuclear events of protons (P_NUCLEAR; assembly/nuclear.ts): the invocation
// transports its primary, then the secondaries of its history from a private
// stack of STACK_CAPACITY entries, every particle on the WASM kernel's Philox
// streams (steps: counter word 1 + 2p; nuclear numbers: 2 + 2p), so a history
// takes the same events and secondaries as on the CPU.
//
// Tallies are 64-bit fixed point (2^-24 MeV) in pairs of atomic<u32>, the
// carry added to the high word, so sums are exact and independent of thread
// order. Per-voxel uncertainty comes from batches (one dispatch batch = one
// tally buffer read back and cleared by the host).
//
// Atomic traffic: a history adds its steps' deposits up in registers (integer
// units, so the sum is the same) and issues one voxel atomic each time it
// leaves a voxel, not one per step; the run counters (histories, energies,
// steps, probe sums) go to workgroup memory and reach the global buffer once
// per workgroup and dispatch.

@group(0) @binding(0) var<storage, read> params: array<u32>;
@group(0) @binding(1) var<storage, read> materialIndex: array<u32>;
@group(0) @binding(2) var<storage, read> density: array<f32>;
@group(0) @binding(3) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> voxelEnergy: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> counters: array<atomic<u32>>;
// control: [0] next history offset in this batch, [1] histories in this batch, [2] first history lo, [3] first history hi
@group(0) @binding(6) var<storage, read_write> control: array<atomic<u32>>;
// LET sums (assembly/letTally.ts, layout.ts): LET_FIELDS 64-bit pairs per voxel, voxel-major; 16 bytes when SCORE_LET is off.
@group(0) @binding(7) var<storage, read_write> letSums: array<atomic<u32>>;

fn pu(i: u32) -> u32 { return params[i]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(params[i]); }
fn pi(i: u32) -> i32 { return bitcast<i32>(params[i]); }

/** Adds a non-negative 64-bit value (hi, lo) to the atomic pair at index 2k (lo), 2k+1 (hi). */
fn addPairVoxel(k: u32, lo: u32, hi: u32) {
  let old = atomicAdd(&voxelEnergy[2u * k], lo);
  let carry = select(0u, 1u, old + lo < old);
  if (hi + carry != 0u) { atomicAdd(&voxelEnergy[2u * k + 1u], hi + carry); }
}
fn addPairLet(k: u32, w: vec2<u32>) {
  if (w.x == 0u && w.y == 0u) { return; }
  let old = atomicAdd(&letSums[2u * k], w.x);
  let carry = select(0u, 1u, old + w.x < old);
  if (w.y + carry != 0u) { atomicAdd(&letSums[2u * k + 1u], w.y + carry); }
}
var<workgroup> groupCounters: array<atomic<u32>, COUNTER_WORDS>;
fn addPairCounter(k: u32, lo: u32, hi: u32) {
  let old = atomicAdd(&groupCounters[2u * k], lo);
  let carry = select(0u, 1u, old + lo < old);
  if (hi + carry != 0u) { atomicAdd(&groupCounters[2u * k + 1u], hi + carry); }
}
fn addWordCounter(k: u32, value: u32) { atomicAdd(&groupCounters[k], value); }

/** A 64-bit sum (lo, hi) in registers: adds (lo, hi) with the carry. */
fn addWords(sum: vec2<u32>, w: vec2<u32>) -> vec2<u32> {
  let lo = sum.x + w.x;
  return vec2<u32>(lo, sum.y + w.y + select(0u, 1u, lo < sum.x));
}

/** A non-negative quantity in fixed-point units (value * scale, rounded to nearest) as (lo, hi) words. */
fn fixedWords(value: f32, scale: f32) -> vec2<u32> {
  let units = floor(max(value, 0.0) * scale + 0.5);
  let hi = floor(units / 4294967296.0);
  let lo = units - hi * 4294967296.0;
  return vec2<u32>(u32(lo), u32(hi));
}

// Depth-slab totals are added up by the host from the voxel tallies.
fn depositEnergy(voxel: u32, energyMeV: f32) {
  let w = fixedWords(energyMeV, ENERGY_UNITS_PER_MEV);
  if (w.x == 0u && w.y == 0u) { return; }
  addPairVoxel(voxel, w.x, w.y);
}
// Benchmarks only: false leaves the voxel tallies out, to measure what they cost.
override SCORE_DEPOSITS: bool = true;
// transport.nuclear (P_NUCLEAR) as a pipeline constant, so that a run without nuclear events
// compiles without their code (software adapters compile the larger shader slowly).
override NUCLEAR: bool = false;
fn flushDeposit(voxel: u32, units: vec2<u32>) {
  if (SCORE_DEPOSITS && (units.x != 0u || units.y != 0u)) { addPairVoxel(voxel, units.x, units.y); }
}

// Primaries entering each depth slab (lanes.ts: the fluence by depth): counted per workgroup for the
// first GROUP_SLABS slabs (every primary crosses them all: global atomics on so few words serialise
// the GPU), added to the counter words after the run counters at the end; deeper slabs go there at once.
override GROUP_SLABS: u32 = 1u;
var<workgroup> groupSlabs: array<atomic<u32>, GROUP_SLABS>;
fn enterSlab(iz: u32) {
  if (iz < GROUP_SLABS) { atomicAdd(&groupSlabs[iz], 1u); } else { atomicAdd(&counters[COUNTER_WORDS + iz], 1u); }
}

fn countEnergy(counter: u32, energyMeV: f32) {
  let w = fixedWords(energyMeV, ENERGY_UNITS_PER_MEV);
  addPairCounter(counter, w.x, w.y);
}

// logf and sinHalfPi: the WASM kernel's own approximations (assembly/fastmath.ts, sources and
// error budgets there), instead of WGSL's built-ins, whose accuracy the spec leaves loose
// (log: 2^-21 absolute near 1; sin: 2^-11), so both backends compute the same numbers.
fn logf(x: f32) -> f32 {
  let bits = bitcast<i32>(x);
  var e = f32((bits >> 23u) - 126);
  var m = bitcast<f32>((bits & 0x007fffff) | 0x3f000000);
  let small = m < 0.70710677;
  e = select(e, e - 1.0, small);
  m = select(m - 1.0, (m + m) - 1.0, small);
  let z = m * m;
  var y: f32 = 7.0376836292e-2;
  y = y * m - 1.1514610310e-1;
  y = y * m + 1.1676998740e-1;
  y = y * m - 1.2420140846e-1;
  y = y * m + 1.4249322787e-1;
  y = y * m - 1.6668057665e-1;
  y = y * m + 2.0000714765e-1;
  y = y * m - 2.4999993993e-1;
  y = y * m + 3.3333331174e-1;
  y = (y * m) * z;
  y = y + e * -2.12194440e-4;
  y = y - z * 0.5;
  return (m + y) + e * 0.693359375;
}

fn sinHalfPi(x: f32) -> f32 {
  let x2 = x * x;
  var p: f32 = 1.6059043836821614e-10;
  p = p * x2 - 2.505210838544172e-8;
  p = p * x2 + 2.7557319223985893e-6;
  p = p * x2 - 1.984126984126984e-4;
  p = p * x2 + 8.333333333333333e-3;
  p = p * x2 - 1.6666666666666666e-1;
  p = p * x2 + 1.0;
  return p * x;
}

fn uniformFromBits(bits: u32) -> f32 {
  return f32(bits >> 9u) * 1.1920929e-7 + 5.9604645e-8;
}

/** The threshold t with P(word < t) = p to 2^-32, for rare events (fastmath.ts: wordThreshold). */
fn wordThreshold(p: f32) -> u32 {
  return u32(min(p * 4294967296.0 + 0.5, 4294967040.0));
}

/** Standard normal from a uniform: sqrt(2) erfinv(2u - 1), Giles (2011) single precision, as fastmath.ts. */
fn normalFromUniform(u: f32) -> f32 {
  let x = (u + u) - 1.0;
  let w0 = -logf((u * 4.0) * (1.0 - u));
  var p: f32;
  if (w0 < 5.0) {
    let w = w0 - 2.5;
    p = 2.81022636e-08;
    p = p * w + 3.43273939e-07;
    p = p * w - 3.5233877e-06;
    p = p * w - 4.39150654e-06;
    p = p * w + 0.00021858087;
    p = p * w - 0.00125372503;
    p = p * w - 0.00417768164;
    p = p * w + 0.246640727;
    p = p * w + 1.50140941;
  } else {
    let w = sqrt(w0) - 3.0;
    p = -0.000200214257;
    p = p * w + 0.000100950558;
    p = p * w + 0.00134934322;
    p = p * w - 0.00367342844;
    p = p * w + 0.00573950773;
    p = p * w - 0.0076224613;
    p = p * w + 0.00943887047;
    p = p * w + 1.00167406;
    p = p * w + 2.83297682;
  }
  return (p * x) * 1.4142135;
}

/** 2-D standard Gaussian from two uniforms (Box-Muller), the azimuth from its half-angle as in lanes.ts. */
fn gaussianPair(uRadius: f32, uAzimuth: f32) -> vec2<f32> {
  let radius = sqrt(-2.0 * logf(uRadius));
  let s = sinHalfPi((uAzimuth - 0.5) * PI_F32);
  let c = sqrt(max(1.0 - s * s, 0.0));
  return vec2<f32>(radius * (1.0 - 2.0 * s * s), radius * (2.0 * s * c));
}

struct Lookup { energy: f32, stopping: f32, rangeLow: f32 }

/** The block of a species in a material (layout.ts: species-major blocks; laneState.ts: loadMaterial). */
fn tableBase(species: u32, material: u32) -> u32 { return (species * pu(P_MATERIAL_COUNT) + material) * (pu(P_TABLE_STRIDE) / 4u); }

fn interpolate(base: u32, k: u32, position: f32) -> f32 {
  let n = pu(P_TABLE_LENGTH);
  let i = u32(position);
  let f = position - f32(i);
  let a = tables[base + M_HEADER_FLOATS + k * n + i];
  let b = tables[base + M_HEADER_FLOATS + k * n + i + 1u];
  return a + f * (b - a);
}

fn lastPosition() -> f32 { return f32(pu(P_TABLE_LENGTH) - 1u) - 0.001; }

fn rangeAtEnergy(base: u32, energy: f32) -> f32 {
  let p = min(max((logf(energy) - pf(P_LOG_ENERGY_MIN)) * pf(P_INV_LOG_ENERGY_STEP), 0.0), lastPosition());
  return interpolate(base, T_RANGE_AT_ENERGY, p);
}

fn rangePosition(base: u32, range: f32) -> f32 {
  return min(max((logf(range) - tables[base + M_LOG_RANGE_MIN]) * tables[base + M_INV_LOG_RANGE_STEP], 0.0), lastPosition());
}

fn voxelOf(ix: i32, iy: i32, iz: i32) -> u32 {
  return u32((iz * pi(P_NY) + iy) * pi(P_NX) + ix);
}

// ---- 64-bit two's-complement sums of fixed-point units, as (lo, hi) ----

fn subWords(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn lessWords(a: vec2<u32>, b: vec2<u32>) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
/** A kinetic energy (MeV, whole particle) in fixed-point units. */
fn unitsOf(energyMeV: f32) -> vec2<u32> { return fixedWords(energyMeV, ENERGY_UNITS_PER_MEV); }

// ---- the state of the invocation's history (private memory) ----

/** The particle being transported (lanes.ts and laneState.ts keep the same fields per lane). */
struct Particle {
  pos: vec3<f32>,
  dir: vec3<f32>,
  ix: i32, iy: i32, iz: i32,
  material: u32,
  base: u32,
  range: f32,
  rangeLow: f32,
  energy: f32,
  /** The table's round-trip residue E - E(R(E)) (stepScalar.ts, header: c). */
  energyOffset: f32,
  /** The energy after the last scored step (lanes.ts: L_PREV_ENERGY). */
  previous: f32,
  radiationLengths: f32,
  scatterIntegral: f32,
  theta2: f32,
  /** Mean free paths to the next nuclear event, and mu/rho (cm^2/g) at the current range. */
  freePaths: f32,
  mu: f32,
  /** Philox counter word 1 of its steps: 1 + 2p for particle p of the history (nuclear.ts). */
  stream: u32,
  /** Table position of the range (laneState.ts: L_RANGE_POSITION), for LET. */
  position: f32,
  /** Its species (laneState.ts: L_SPECIES): which table blocks it reads. */
  species: u32,
}
/** A secondary waiting on the stack (nuclear.ts: pushSecondary). */
struct Secondary { pos: vec3<f32>, dir: vec3<f32>, energy: f32, ix: i32, iy: i32, iz: i32, particle: u32, species: u32 }

var<private> p: Particle;
var<private> stack: array<Secondary, STACK_CAPACITY>;
var<private> stackSize: u32;
/** Secondaries of the history so far (the last one's particle index). */
var<private> secondaryCount: u32;
var<private> historyLo: u32;
/** Nuclear events of the history's primary so far (lanes.ts: L_PRIMARY_EVENTS): range straggling counts primaries without. */
var<private> primaryEvents: u32;
var<private> historyHi: u32;
// The open voxel's deposit, in fixed-point units, not yet added to the tally.
var<private> openVoxel: u32;
var<private> openUnits: vec2<u32>;
// LET (letTally.ts): 1 scores LET into letSums. The open voxel's LET sums, in the
// fixed-point units of the tallies (each step rounded; WASM rounds once per visit,
// in f64, which WGSL lacks: the two agree to a unit per step), not yet added.
override SCORE_LET: bool = false;
// LET_COPIES copies of the LET sums, one per workgroup modulo LET_COPIES (gpuEngine.ts): eight
// 64-bit fields per visit to the few voxels a pencil beam crosses at once make atomics on the
// same addresses queue; copies spread them out. letCopies.wgsl adds the copies up after the run.
override LET_COPIES: u32 = 1u;
var<private> letCopyBase: u32;
var<private> letVoxel: u32;
var<private> letOpen: array<vec2<u32>, LET_FIELDS>;

fn flushLet() {
  for (var k = 0u; k < LET_FIELDS; k++) {
    addPairLet(letCopyBase + letVoxel * LET_FIELDS + k, letOpen[k]);
    letOpen[k] = vec2<u32>(0u, 0u);
  }
}

/** letTally.ts: scoreLetStep. e: the step's deposit (MeV, and its units), L in water and medium (keV/um), l (mm). */
fn scoreLetStep(voxel: u32, eMeV: f32, eUnits: vec2<u32>, water: f32, medium: f32, lengthMm: f32, primary: bool) {
  if (voxel != letVoxel) {
    flushLet();
    letVoxel = voxel;
  }
  let eWater = fixedWords(eMeV * water, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM);
  letOpen[0] = addWords(letOpen[0], eWater);
  letOpen[1] = addWords(letOpen[1], fixedWords(eMeV * medium, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM));
  letOpen[2] = addWords(letOpen[2], eUnits);
  if (primary) {
    letOpen[3] = addWords(letOpen[3], eWater);
    letOpen[4] = addWords(letOpen[4], eUnits);
  }
  letOpen[5] = addWords(letOpen[5], fixedWords(lengthMm * water, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
  letOpen[6] = addWords(letOpen[6], fixedWords(lengthMm * medium, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
  letOpen[7] = addWords(letOpen[7], fixedWords(lengthMm, LET_LENGTH_UNITS_PER_MM));
}

fn random(c0: u32, c1: u32) -> vec4<u32> {
  return philox4x32_10(vec4<u32>(c0, c1, historyLo, historyHi), vec2<u32>(pu(P_SEED_LO), pu(P_SEED_HI)));
}

// scoring.doseByCharge: charge blocks Z = 1 ... CHARGES after the dose in voxelEnergy (gpuEngine.ts),
// each deposit added at once to the block of the particle's charge (tally.ts: recordDeposit).
override CHARGES: u32 = 0u;

/** The deposit in the block of the particle's charge (CHARGES > 0). */
fn addChargeDeposit(voxel: u32, units: vec2<u32>) {
  if (CHARGES > 0u && (units.x != 0u || units.y != 0u)) {
    let voxels = pu(P_NX) * pu(P_NY) * pu(P_NZ);
    addPairVoxel(voxels * u32(tables[p.base + M_CHARGE_NUMBER]) + voxel, units.x, units.y);
  }
}

/** Adds units (two's complement) to a voxel's deposit, through the open voxel. */
fn depositUnits(voxel: u32, units: vec2<u32>) {
  addChargeDeposit(voxel, units);
  if (voxel != openVoxel) {
    flushDeposit(openVoxel, openUnits);
    openVoxel = voxel;
    openUnits = vec2<u32>(0u, 0u);
  }
  openUnits = addWords(openUnits, units);
}

fn loadMaterial(material: u32) {
  p.material = material;
  p.base = tableBase(p.species, material);
}

/** laneState.ts: setRangeFromEnergy (range, its residue, the step limit and mu/rho at it). */
fn setRangeFromEnergy(energy: f32) {
  p.range = rangeAtEnergy(p.base, energy);
  let position = rangePosition(p.base, p.range);
  p.position = position;
  p.energy = energy;
  p.energyOffset = energy - interpolate(p.base, T_ENERGY_AT_RANGE, position);
  p.rangeLow = interpolate(p.base, T_RANGE_LOW_AT_RANGE, position);
  p.mu = interpolate(p.base, T_NUCLEAR_AT_RANGE, position);
}

/** Mean free paths to the next nuclear event, -ln u (laneState.ts: meanFreePaths). */
fn meanFreePaths(bits: u32) -> f32 { return -logf(uniformFromBits(bits)); }

// ---- nuclear events (assembly/nuclear.ts, whose header has the model and its sources) ----
// nuclear.ts computes the kinematics in f64; here they are f32 in the same order
// of operations, so products agree to f32 rounding (the channel, the target, the
// number of passes and every random number are the same).

/** Proton mass and atomic mass unit (MeV), as nuclear.ts (CODATA 2018). */
const PROTON_MASS_MEV: f32 = 938.27208816;
const ATOMIC_MASS_UNIT_MEV: f32 = 931.49410242;
/** Fippel-Soukup energy dissipation (nuclear.ts; MOQUI's mqi_po_inelastic.hpp). */
const BINDING_MEV: f32 = 5.0;
const MIN_FRAGMENT_MEV: f32 = 2.0;
const BINDING_RATIO: f32 = 0.65;
const MAX_PASSES: u32 = 255u;
/** Shares of the fragments' energy fitted to ICRU 63 p-16O yields (nuclear.ts). */
const SECONDARY_PROTON_SHARE_AT_0: f32 = 0.5288;
const SECONDARY_PROTON_SHARE_PER_MEV: f32 = 0.0004192;
const NEUTRAL_SHARE: f32 = 0.3324;

/**
 * e^x, 0 below -87: x = n ln 2 + r (ln 2 in two parts, Cody and Waite), |r| <= ln2/2,
 * Taylor series of e^r to r^8 (truncation 0.35^9/9! = 2e-10), times 2^n from
 * the exponent bits. The f32 twin of nuclear.ts: expFinite (WGSL's exp is loose by spec).
 */
fn expf(x: f32) -> f32 {
  if (x < -87.0) { return 0.0; }
  let n = floor(x * 1.442695 + 0.5);
  let r = (x - n * 0.693145751953125) - n * 1.4286068e-6;
  var q: f32 = 1.0;
  for (var k = 8; k >= 1; k--) { q = 1.0 + (r / f32(k)) * q; }
  return q * bitcast<f32>((i32(n) + 127) << 23u);
}

/** cos and sin of an azimuth uniform in (-pi, pi] from u, as the step draws it (nuclear.ts: azimuthCosine, azimuthSine). */
fn azimuth(u: f32) -> vec2<f32> {
  let s = sinHalfPi((u - 0.5) * 3.1415927);
  return vec2<f32>(1.0 - 2.0 * s * s, 2.0 * s * sqrt(max(1.0 - s * s, 0.0)));
}

/** p^2 c^2 (MeV^2) of kinetic energy t and mass m. */
fn momentumSquared(t: f32, m: f32) -> f32 { return t * (t + 2.0 * m); }

/** Cosine of the lab angle of product 1 (p1^2) when a particle of p^2 gives a partner p2^2. */
fn labCosine(p2: f32, p1Squared: f32, partnerSquared: f32) -> f32 {
  let d = 2.0 * sqrt(p2 * p1Squared);
  if (d <= 0.0) { return 1.0; }
  return min(max((p2 + p1Squared - partnerSquared) / d, -1.0), 1.0);
}

/** The particle's direction turned by polar cosine cosTheta and azimuth (cos, sin) (nuclear.ts: turn). */
fn turn(cosTheta: f32, phi: vec2<f32>) -> vec3<f32> {
  let u = p.dir.x; let v = p.dir.y; let w = p.dir.z;
  let sinTheta = sqrt(max(1.0 - cosTheta * cosTheta, 0.0));
  let sinW2 = 1.0 - w * w;
  var d: vec3<f32>;
  if (sinW2 > 1e-10) {
    let sinW = sqrt(sinW2);
    d = vec3<f32>(
      u * cosTheta + sinTheta * ((u * w * phi.x - v * phi.y) / sinW),
      v * cosTheta + sinTheta * ((v * w * phi.x + u * phi.y) / sinW),
      w * cosTheta - sinTheta * sinW * phi.x);
  } else {
    d = vec3<f32>(sinTheta * phi.x, sinTheta * phi.y, w * cosTheta);
  }
  return d * (1.0 / sqrt(d.x * d.x + d.y * d.y + d.z * d.z));
}

/**
 * The largest f32 not above a * b, for a > 0 normal and b = k 2^-24 (k < 2^24:
 * a uniform deviate or its complement), from the exact 48-bit product of the
 * significands: the p-p energy split of nuclear.ts (roundDown32 of an exact
 * f64 product), bit for bit.
 */
fn productRoundedDown(a: f32, b: f32) -> f32 {
  let bits = bitcast<u32>(a);
  let m = (bits & 0x007fffffu) | 0x00800000u;
  let k = u32(b * 16777216.0);
  if (k == 0u) { return 0.0; }
  let lo = m * k;
  let hi = mulHi32(m, k);
  let lead = select(firstLeadingBit(lo), 32u + firstLeadingBit(hi), hi != 0u);
  var top: u32 = 0u;
  var shift: u32 = 0u;
  if (lead > 23u) {
    shift = lead - 23u;
    top = select((lo >> shift) | (hi << (32u - shift)), hi >> (shift - 32u), shift >= 32u);
  } else {
    top = lo;
  }
  // a = m 2^(E - 150) with E the biased exponent; b = k 2^-24.
  return ldexp(f32(top), i32(shift) + i32((bits >> 23u) & 0xffu) - 150 - 24);
}

/** Mass number of a species (the header of its first block). */
fn speciesMassNumber(species: u32) -> f32 { return tables[tableBase(species, 0u) + M_MASS_NUMBER]; }

/** A secondary of `species` with `energy` MeV/u at the particle's position (nuclear.ts: pushSecondary); a full stack deposits it here and counts. */
fn pushSecondary(species: u32, energy: f32, direction: vec3<f32>) {
  secondaryCount += 1u;
  addWordCounter(C_SECONDARIES, 1u);
  if (stackSize == STACK_CAPACITY) {
    depositUnits(voxelOf(p.ix, p.iy, p.iz), unitsOf(energy * speciesMassNumber(species)));
    addWordCounter(C_STACK_OVERFLOWS, 1u);
    return;
  }
  stack[stackSize] = Secondary(p.pos, direction, energy, p.ix, p.iy, p.iz, secondaryCount, species);
  stackSize += 1u;
}

/** The proton goes on (nuclear.ts: carryOn); false if below the cut-off (then deposited here). */
fn carryOn(energy: f32, direction: vec3<f32>, freePaths: f32) -> bool {
  p.dir = direction;
  p.freePaths = freePaths;
  setRangeFromEnergy(energy);
  if (p.range > tables[p.base + M_CUTOFF_RANGE_G_PER_CM2]) { return true; }
  depositUnits(voxelOf(p.ix, p.iy, p.iz), unitsOf(energy));
  countEnergy(C_CUTOFF_ENERGY, energy);
  return false;
}

/**
 * The end of a nonelastic event or reaction: the neutral energy (floored units) and, deposited
 * here, what the products and it leave of the incident energy. The proton model's f32 product
 * energies can exceed the incident energy by ulps where nuclear.ts's f64 ones cannot (a reaction's
 * cannot: ionReaction.ts): the neutral energy is then capped and nothing is deposited, so no
 * deposit is ever negative.
 */
fn scoreNeutralAndLocal(here: u32, incidentUnits: vec2<u32>, productUnits: vec2<u32>, neutralMeV: f32) {
  var available = vec2<u32>(0u, 0u);
  if (!lessWords(incidentUnits, productUnits)) { available = subWords(incidentUnits, productUnits); }
  let neutralFloor = floor(neutralMeV * ENERGY_UNITS_PER_MEV);
  let neutralHi = floor(neutralFloor / 4294967296.0);
  var neutralUnits = vec2<u32>(u32(neutralFloor - neutralHi * 4294967296.0), u32(neutralHi));
  if (lessWords(available, neutralUnits)) { neutralUnits = available; }
  addPairCounter(C_NEUTRAL_ENERGY, neutralUnits.x, neutralUnits.y);
  depositUnits(here, subWords(available, neutralUnits));
}

/**
 * A nuclear event of the particle, of kinetic energy `energy`, at the end of
 * its step number `stepCount` (counted from 1) (nuclear.ts: nuclearEvent).
 * True while the proton goes on (elastic events).
 */
fn nuclearEvent(energy: f32, stepCount: u32) -> bool {
  addWordCounter(C_NUCLEAR_EVENTS, 1u);
  let eventCounter = stepCount << 8u;
  let stream = p.stream + 1u;
  let words = random(eventCounter, stream);
  let uChannel = uniformFromBits(words.x);
  let freePaths = meanFreePaths(words.y);
  let uKinematics = uniformFromBits(words.z);
  let phi = azimuth(uniformFromBits(words.w));
  let position = rangePosition(p.base, p.range);
  let e = energy;
  let here = voxelOf(p.ix, p.iy, p.iz);
  let incidentUnits = unitsOf(e);
  let p2 = momentumSquared(e, PROTON_MASS_MEV);

  if (uChannel < interpolate(p.base, T_PROTON_ELASTIC_SHARE_AT_RANGE, position)) {
    // p-p elastic: the larger share rounded down, the other the exact rest (Sterbenz).
    let larger = productRoundedDown(e, max(uKinematics, 1.0 - uKinematics));
    let smaller = e - larger;
    let struck = select(smaller, larger, uKinematics >= 0.5);
    let scattered = select(larger, smaller, uKinematics >= 0.5);
    let struckSquared = momentumSquared(struck, PROTON_MASS_MEV);
    let scatteredSquared = momentumSquared(scattered, PROTON_MASS_MEV);
    pushSecondary(pu(P_PROTON_SPECIES), struck, turn(labCosine(p2, struckSquared, scatteredSquared), -phi));
    let rest = subWords(subWords(incidentUnits, unitsOf(struck)), unitsOf(scattered));
    if (rest.x != 0u || rest.y != 0u) { depositUnits(here, rest); }
    return carryOn(scattered, turn(labCosine(p2, scatteredSquared, struckSquared), phi), freePaths);
  }

  let nonelasticShare = interpolate(p.base, T_NONELASTIC_SHARE_AT_RANGE, position);
  if (uChannel < nonelasticShare) {
    if (p.stream == 1u) { addWordCounter(C_PRIMARY_NONELASTIC_EVENTS, 1u); }
    let exponent = select(select(0.52, 0.45, e > 150.0), 0.40, e > 200.0);
    let secondaryProbability = SECONDARY_PROTON_SHARE_AT_0 + SECONDARY_PROTON_SHARE_PER_MEV * e;
    let neutralShareOfRest = NEUTRAL_SHARE / (1.0 - secondaryProbability);
    var remaining = e;
    var binding = BINDING_MEV;
    var neutral: f32 = 0.0;
    var productUnits = vec2<u32>(0u, 0u);
    for (var k = 1u; k <= MAX_PASSES && remaining - binding > MIN_FRAGMENT_MEV; k++) {
      let w = random(eventCounter + k, stream);
      let uEnergy = uniformFromBits(w.x);
      let zeta = uniformFromBits(w.y);
      let uCosine = uniformFromBits(w.z);
      remaining -= binding;
      neutral += binding;
      let dE = min(MIN_FRAGMENT_MEV + expf(exponent * logf(uEnergy)) * (remaining - MIN_FRAGMENT_MEV), remaining);
      remaining -= dE;
      if (zeta < secondaryProbability) {
        let fraction = dE / e;
        pushSecondary(pu(P_PROTON_SPECIES), dE, turn(min((2.0 * fraction - 1.0) + 2.0 * (1.0 - fraction) * uCosine, 1.0), azimuth(uniformFromBits(w.w))));
        productUnits = addWords(productUnits, unitsOf(dE));
      } else {
        neutral += dE * neutralShareOfRest;
      }
      binding *= BINDING_RATIO;
    }
    scoreNeutralAndLocal(here, incidentUnits, productUnits, neutral);
    return false;
  }

  // Elastic on a heavier nucleus: its target slot from the channel deviate, uniform again above the nonelastic share.
  let uTarget = (uChannel - nonelasticShare) / max(1.0 - nonelasticShare, 1e-30);
  var slot = 3u;
  if (uTarget < interpolate(p.base, T_ELASTIC_TARGET0_SHARE_AT_RANGE, position)) { slot = 0u; }
  else if (uTarget < interpolate(p.base, T_ELASTIC_TARGET1_SHARE_AT_RANGE, position)) { slot = 1u; }
  else if (uTarget < interpolate(p.base, T_ELASTIC_TARGET2_SHARE_AT_RANGE, position)) { slot = 2u; }
  let slotMass = tables[p.base + M_ELASTIC_TARGET0_MASS_NUMBER + slot];
  let massNumber = max(select(tables[p.base + M_ELASTIC_TARGET0_MASS_NUMBER], slotMass, slotMass > 0.0), 1.0);
  let targetMass = massNumber * ATOMIC_MASS_UNIT_MEV;
  // gamma^2 - 1 as t (t + 2), t = E/m: the same value as nuclear.ts's f64 (gamma^2 - 1), without f32 cancellation.
  let t = e / PROTON_MASS_MEV;
  let gamma = 1.0 + t;
  let ratio = targetMass / PROTON_MASS_MEV;
  let maxRecoil = (2.0 * targetMass * (t * (t + 2.0))) / (1.0 + 2.0 * gamma * ratio + ratio * ratio);
  let massScale = expf((-5.0 / 3.0) * logf(massNumber / 16.0));
  let meanRecoil = max((0.65 * expf(-0.0013 * e) - 0.71 * expf(-0.0177 * e)) * massScale, 1e-6);
  let recoil = min(-meanRecoil * logf(1.0 - uKinematics * (1.0 - expf(-maxRecoil / meanRecoil))), maxRecoil);
  let scattered = e - recoil;
  let scatteredSquared = momentumSquared(scattered, PROTON_MASS_MEV);
  let direction = turn(labCosine(p2, scatteredSquared, momentumSquared(recoil, targetMass)), phi);
  depositUnits(here, subWords(incidentUnits, unitsOf(scattered)));
  return carryOn(scattered, direction, freePaths);
}

/**
 * A reaction of the particle, an ion of `energy` MeV/u, at the end of its step
 * number `stepCount` (ionReaction.ts, whose header has the model): target slot,
 * energy bin and event of the library, the event's products pushed, neutral and
 * local shares scored. The ion ends (false).
 */
fn ionReaction(energy: f32, stepCount: u32) -> bool {
  addWordCounter(C_NUCLEAR_EVENTS, 1u);
  if (p.stream == 1u) { addWordCounter(C_PRIMARY_NONELASTIC_EVENTS, 1u); }
  let words = random(stepCount << 8u, p.stream + 1u);
  let uTarget = uniformFromBits(words.x);
  let uBin = uniformFromBits(words.y);
  let phi0 = azimuth(uniformFromBits(words.w));
  let position = rangePosition(p.base, p.range);
  var slot = 3u;
  if (uTarget < interpolate(p.base, T_ELASTIC_TARGET0_SHARE_AT_RANGE, position)) { slot = 0u; }
  else if (uTarget < interpolate(p.base, T_ELASTIC_TARGET1_SHARE_AT_RANGE, position)) { slot = 1u; }
  else if (uTarget < interpolate(p.base, T_ELASTIC_TARGET2_SHARE_AT_RANGE, position)) { slot = 2u; }
  let targetIndex = i32(tables[p.base + M_REACTION_TARGET0 + slot]);
  let bins = pi(P_LIBRARY_BINS);
  let binPosition = min(max((logf(energy) - pf(P_LIBRARY_LOG_ENERGY_MIN)) * pf(P_LIBRARY_INV_LOG_ENERGY_STEP), 0.0), f32(bins - 1));
  var bin = i32(binPosition);
  if (bin < bins - 1 && uBin < binPosition - f32(bin)) { bin += 1; }
  let count = pu(P_LIBRARY_EVENTS_PER_BIN);
  let row = u32(i32(tables[p.base + M_LIBRARY_ROW]) + targetIndex * bins + bin);
  let event = (pu(P_LIBRARY_EVENTS_PTR) - pu(P_TABLES_PTR)) / 4u + (row * count + mulHi32(words.z, count)) * (LIBRARY_EVENT_BYTES / 4u);
  let first = u32(tables[event]);
  let products = u32(tables[event + 1u]);
  let productBase = (pu(P_LIBRARY_PRODUCTS_PTR) - pu(P_TABLES_PTR)) / 4u;
  let totalMeV = energy * tables[p.base + M_MASS_NUMBER];
  let incidentUnits = unitsOf(totalMeV);
  let here = voxelOf(p.ix, p.iy, p.iz);
  var productUnits = vec2<u32>(0u, 0u);
  for (var k = 0u; k < products; k++) {
    let q = productBase + (first + k) * (LIBRARY_PRODUCT_BYTES / 4u);
    let species = u32(tables[q]);
    let productEnergy = min(tables[q + 1u] * energy, pf(P_TABLE_MAX_ENERGY_MEV_PER_U));
    let c = tables[q + 3u]; let s = tables[q + 4u];
    pushSecondary(species, productEnergy, turn(tables[q + 2u], vec2<f32>(c * phi0.x - s * phi0.y, s * phi0.x + c * phi0.y)));
    productUnits = addWords(productUnits, unitsOf(productEnergy * speciesMassNumber(species)));
  }
  scoreNeutralAndLocal(here, incidentUnits, productUnits, tables[event + 2u] * totalMeV);
  return false;
}

/**
 * Starts the secondary on top of the stack as the particle (lanes.ts: startSecondary):
 * its own steps, scattering history, streams and free paths. False if below the cut-off (absorbed where it is).
 */
fn startSecondary() -> bool {
  stackSize -= 1u;
  let s = stack[stackSize];
  p.pos = s.pos;
  p.dir = s.dir;
  p.ix = s.ix; p.iy = s.iy; p.iz = s.iz;
  p.radiationLengths = 0.0; p.scatterIntegral = 0.0; p.theta2 = 0.0;
  p.stream = 1u + 2u * s.particle;
  p.species = s.species;
  p.previous = s.energy;
  let voxel = voxelOf(s.ix, s.iy, s.iz);
  loadMaterial(materialIndex[voxel]);
  setRangeFromEnergy(s.energy);
  p.freePaths = meanFreePaths(random(0u, 2u + 2u * s.particle).x);
  if (p.range > tables[p.base + M_CUTOFF_RANGE_G_PER_CM2]) { return true; }
  let cutoffMeV = s.energy * tables[p.base + M_MASS_NUMBER];
  depositUnits(voxel, unitsOf(cutoffMeV));
  countEnergy(C_CUTOFF_ENERGY, cutoffMeV);
  return false;
}

/** Follows the particle until it stops, escapes or ends in a nonelastic event (stepScalar.ts, lanes.ts: finishStep). */
// ---- Secondaries' steps through runs of like voxels (assembly/macroStep.ts, the same operations) ----

/** Where likeRunMm ended on a plane: the unlike voxel's indices and the plane's axis (0 x, 1 y, 2 z). */
var<private> runCross: vec4<i32>;

fn likeRunMm(ix: i32, iy: i32, iz: i32, pos: vec3<f32>, dir: vec3<f32>, limitMm: f32) -> f32 {
  let nx = pi(P_NX); let ny = pi(P_NY); let nz = pi(P_NZ);
  let sizeX = pf(P_VOXEL_X_MM); let sizeY = pf(P_VOXEL_Y_MM); let sizeZ = pf(P_VOXEL_Z_MM);
  let originX = pf(P_ORIGIN_X_MM); let originY = pf(P_ORIGIN_Y_MM);
  let voxel = voxelOf(ix, iy, iz);
  let material = materialIndex[voxel];
  let rho = density[voxel];
  let sx = select(-1, 1, dir.x > 0.0); let sy = select(-1, 1, dir.y > 0.0); let sz = select(-1, 1, dir.z > 0.0);
  let px = select(0, 1, dir.x > 0.0); let py = select(0, 1, dir.y > 0.0); let pz = select(0, 1, dir.z > 0.0);
  var jx = ix; var jy = iy; var jz = iz;
  // Bounded by the grid: each pass crosses one plane, and the run ends at the phantom's edge.
  for (var k = 0; k < nx + ny + nz + 3; k++) {
    let tx = select(max(((originX + f32(jx + px) * sizeX) - pos.x) / dir.x, 0.0), FAR_MM, dir.x == 0.0);
    let ty = select(max(((originY + f32(jy + py) * sizeY) - pos.y) / dir.y, 0.0), FAR_MM, dir.y == 0.0);
    let tz = select(max((f32(jz + pz) * sizeZ - pos.z) / dir.z, 0.0), FAR_MM, dir.z == 0.0);
    let t = min(tx, min(ty, tz));
    if (t > limitMm) { return FAR_MM; }
    var axis = 2;
    if (tx == t) { axis = 0; } else if (ty == t) { axis = 1; }
    if (axis == 0) { jx += sx; } else if (axis == 1) { jy += sy; } else { jz += sz; }
    var like = jx >= 0 && jy >= 0 && jz >= 0 && jx < nx && jy < ny && jz < nz;
    if (like) {
      let other = voxelOf(jx, jy, jz);
      like = materialIndex[other] == material && density[other] == rho;
    }
    if (!like) {
      runCross = vec4<i32>(jx, jy, jz, axis);
      return t;
    }
  }
  return FAR_MM;
}

fn clampedIndex(index: i32, low: i32, high: i32, n: i32) -> i32 {
  return min(max(min(max(index, low), high), 0), n - 1);
}

/** Moves p through the run (position and indices) and returns the deposit voxel (the hinge point's). */
fn moveThroughRun(ix: i32, iy: i32, iz: i32, start: vec3<f32>, dir: vec3<f32>, s: f32, crossing: bool, hinge: f32, d2: vec3<f32>) -> u32 {
  let nx = pi(P_NX); let ny = pi(P_NY); let nz = pi(P_NZ);
  let sizeX = pf(P_VOXEL_X_MM); let sizeY = pf(P_VOXEL_Y_MM); let sizeZ = pf(P_VOXEL_Z_MM);
  let originX = pf(P_ORIGIN_X_MM); let originY = pf(P_ORIGIN_Y_MM);
  var axis = -1;
  if (crossing) { axis = runCross.w; }
  var xEnd = start.x + s * dir.x;
  var yEnd = start.y + s * dir.y;
  var zEnd = start.z + s * dir.z;
  var jx = 0; var jy = 0; var jz = 0;
  if (axis == 0) { jx = runCross.x; xEnd = originX + f32(jx + select(1, 0, dir.x > 0.0)) * sizeX; }
  if (axis == 1) { jy = runCross.y; yEnd = originY + f32(jy + select(1, 0, dir.y > 0.0)) * sizeY; }
  if (axis == 2) { jz = runCross.z; zEnd = f32(jz + select(1, 0, dir.z > 0.0)) * sizeZ; }
  let displacedX = xEnd + hinge * (d2.x - dir.x);
  let displacedY = yEnd + hinge * (d2.y - dir.y);
  // Indices: the unlike voxel's on the crossed plane; an unmoved coordinate keeps its index.
  var ixEnd = i32(floor((displacedX - originX) / sizeX));
  if (displacedX == start.x) { ixEnd = ix; }
  if (axis == 0 && displacedX == xEnd) { ixEnd = jx; }
  var iyEnd = i32(floor((displacedY - originY) / sizeY));
  if (displacedY == start.y) { iyEnd = iy; }
  if (axis == 1 && displacedY == yEnd) { iyEnd = jy; }
  var izEnd = i32(floor(zEnd / sizeZ));
  if (zEnd == start.z) { izEnd = iz; }
  if (axis == 2) { izEnd = jz; }
  // The run's last voxel on each axis, and the deposit (the hinge point's voxel) kept between it and the first.
  var rx = i32(floor((xEnd - originX) / sizeX));
  if (xEnd == start.x) { rx = ix; }
  if (axis == 0) { rx = jx - select(-1, 1, dir.x > 0.0); }
  var ry = i32(floor((yEnd - originY) / sizeY));
  if (yEnd == start.y) { ry = iy; }
  if (axis == 1) { ry = jy - select(-1, 1, dir.y > 0.0); }
  var rz = i32(floor(zEnd / sizeZ));
  if (zEnd == start.z) { rz = iz; }
  if (axis == 2) { rz = jz - select(-1, 1, dir.z > 0.0); }
  let h = s - hinge;
  let dx = clampedIndex(i32(floor(((start.x + h * dir.x) - originX) / sizeX)), min(ix, rx), max(ix, rx), nx);
  let dy = clampedIndex(i32(floor(((start.y + h * dir.y) - originY) / sizeY)), min(iy, ry), max(iy, ry), ny);
  let dz = clampedIndex(i32(floor((start.z + h * dir.z) / sizeZ)), min(iz, rz), max(iz, rz), nz);
  p.pos = vec3<f32>(displacedX, displacedY, zEnd);
  p.ix = ixEnd; p.iy = iyEnd; p.iz = izEnd;
  return voxelOf(dx, dy, dz);
}

fn transportParticle() {
  // Its species' constants (the same in each of the species' blocks: laneState.ts loadMaterial).
  let massNumber = tables[p.base + M_MASS_NUMBER];
  let charge = tables[p.base + M_CHARGE_NUMBER];
  let nucleonMass = tables[p.base + M_MASS_PER_NUCLEON_MEV];
  let nx = pi(P_NX); let ny = pi(P_NY); let nz = pi(P_NZ);
  let voxelX = pf(P_VOXEL_X_MM); let voxelY = pf(P_VOXEL_Y_MM); let voxelZ = pf(P_VOXEL_Z_MM);
  let originX = pf(P_ORIGIN_X_MM); let originY = pf(P_ORIGIN_Y_MM);
  let nuclearOn = NUCLEAR;
  let primary = p.stream == 1u;
  for (var step = 0u; step < MAX_STEPS_PER_HISTORY; step++) {
    let voxel = voxelOf(p.ix, p.iy, p.iz);
    let rho = density[voxel];
    let base = p.base;
    let range = p.range;
    let dir = p.dir;
    var x = p.pos.x;
    var y = p.pos.y;
    var z = p.pos.z;
    let zStart = z;
    let r = random(step, p.stream);
    let uTheta = uniformFromBits(r.x);
    let uPhi = uniformFromBits(r.y);
    let uHinge = uniformFromBits(r.z);
    let uStraggling = uniformFromBits(r.w);

    // 1. Step length (mm); 5. the nuclear limit mfp / (mu rho) (none where mu = 0: no event can happen).
    let energyLimitMm = ((range - p.rangeLow) / rho) * 10.0;
    let planeX = originX + f32(p.ix + select(0, 1, dir.x > 0.0)) * voxelX;
    let planeY = originY + f32(p.iy + select(0, 1, dir.y > 0.0)) * voxelY;
    let planeZ = f32(p.iz + select(0, 1, dir.z > 0.0)) * voxelZ;
    let toX = select(max((planeX - x) / dir.x, 0.0), FAR_MM, dir.x == 0.0);
    let toY = select(max((planeY - y) / dir.y, 0.0), FAR_MM, dir.y == 0.0);
    let toZ = select(max((planeZ - z) / dir.z, 0.0), FAR_MM, dir.z == 0.0);
    let freePaths = p.freePaths;
    let muStart = p.mu;
    var nuclearLimitMm = FAR_MM;
    if (nuclearOn && muStart * rho > 0.0) { nuclearLimitMm = (freePaths / (muStart * rho)) * 10.0; }
    let otherLimit = min(energyLimitMm, pf(P_MAX_STEP_MM));
    let physicsLimit = min(otherLimit, nuclearLimitMm);
    // A secondary's step runs on through like voxels (macroStep.ts); a primary's ends at the next plane.
    var toPlane = min(toX, min(toY, toZ));
    if (!primary) { toPlane = likeRunMm(p.ix, p.iy, p.iz, vec3<f32>(x, y, z), dir, physicsLimit); }
    let crossing = toPlane <= physicsLimit;
    let s = min(physicsLimit, toPlane);
    let massStep = (rho * s) * 0.1;

    let meanRange = max(range - massStep, MIN_RANGE_G_PER_CM2);
    let meanPosition = rangePosition(base, meanRange);
    let meanEnergy = interpolate(base, T_ENERGY_AT_RANGE, meanPosition);
    let meanStopping = interpolate(base, T_STOPPING_AT_RANGE, meanPosition);
    // LET (stepScalar.ts): the mean of S at the step's start and at its mean end, in the medium and in water.
    var letMedium = 0.0;
    var letWater = 0.0;
    if (SCORE_LET) {
      let startPosition = p.position;
      letMedium = ((interpolate(base, T_STOPPING_AT_RANGE, startPosition) + meanStopping) * 0.05) * rho;
      letWater = (interpolate(base, T_WATER_STOPPING_AT_RANGE, startPosition) + interpolate(base, T_WATER_STOPPING_AT_RANGE, meanPosition)) * 0.05;
    }

    // 2. Bohr straggling; two-point distribution on short steps, its mean rho s and its probability
    //    to 2^-32 (stepScalar.ts, header: low densities).
    let midEnergy = (p.energy + meanEnergy) * 0.5;
    let gamma = 1.0 + midEnergy / nucleonMass;
    let gamma2 = gamma * gamma;
    let beta2 = 1.0 - 1.0 / gamma2;
    let relativistic = gamma2 * (1.0 - beta2 * 0.5);
    let variance = (((BOHR_K_ME_C2 * (charge * charge)) * tables[base + M_Z_OVER_A_MOL_PER_G]) * massStep) * relativistic;
    let sigmaRange = sqrt(variance) / meanStopping;
    let meanRangeLoss = min(massStep, range);
    let secondMoment = sigmaRange * sigmaRange + meanRangeLoss * meanRangeLoss;
    let lumpRangeLoss = secondMoment / max(meanRangeLoss, MIN_RANGE_G_PER_CM2);
    let lumpProbability = (meanRangeLoss * meanRangeLoss) / max(secondMoment, MIN_RANGE_G_PER_CM2);
    var newRange: f32;
    if (meanRangeLoss > sigmaRange * 3.0) {
      newRange = meanRange + sigmaRange * normalFromUniform(uStraggling);
    } else {
      newRange = select(range, range - lumpRangeLoss, r.w < wordThreshold(lumpProbability));
    }
    newRange = max(min(newRange, range), MIN_RANGE_G_PER_CM2);
    let newPosition = rangePosition(base, newRange);
    let newEnergy = interpolate(base, T_ENERGY_AT_RANGE, newPosition) + p.energyOffset;
    let newRangeLow = interpolate(base, T_RANGE_LOW_AT_RANGE, newPosition);

    // 5. Nuclear free paths used (trapezoid in mu), and whether the event is due at the step's end.
    var nuclearEventDue = false;
    if (nuclearOn) {
      let muEnd = interpolate(base, T_NUCLEAR_AT_RANGE, meanPosition);
      let used = ((muStart + muEnd) * 0.5) * massStep;
      nuclearEventDue = (!crossing && nuclearLimitMm <= otherLimit) || used >= freePaths;
      p.freePaths = select(freePaths - used, freePaths, nuclearEventDue);
      p.mu = interpolate(base, T_NUCLEAR_AT_RANGE, newPosition);
    }

    // 3. Scattering, cumulative Highland.
    let pv = ((massNumber * midEnergy) * (midEnergy + 2.0 * nucleonMass)) / (midEnergy + nucleonMass);
    let radiationLengths = massStep / tables[base + M_RADIATION_LENGTH_G_PER_CM2];
    p.radiationLengths = p.radiationLengths + radiationLengths;
    p.scatterIntegral = p.scatterIntegral + radiationLengths / (pv * pv);
    let logTerm = max(1.0 + logf(p.radiationLengths) * INV_NINE_LN10, 0.0);
    let theta2After = ((HIGHLAND_E_MEV_SQUARED * (charge * charge)) * p.scatterIntegral) * (logTerm * logTerm);
    let deltaTheta2 = max(theta2After - p.theta2, 0.0);
    p.theta2 = max(theta2After, p.theta2);
    let theta = min(sqrt(deltaTheta2) * sqrt(-2.0 * logf(uTheta)), PI_F32);
    let sinHalfTheta = sinHalfPi(theta * 0.5);
    let cosHalfTheta = sqrt(max(1.0 - sinHalfTheta * sinHalfTheta, 0.0));
    let sinTheta = 2.0 * sinHalfTheta * cosHalfTheta;
    let cosTheta = 1.0 - 2.0 * sinHalfTheta * sinHalfTheta;
    let sinHalfPhi = sinHalfPi((uPhi - 0.5) * PI_F32);
    let cosHalfPhi = sqrt(max(1.0 - sinHalfPhi * sinHalfPhi, 0.0));
    let sinPhi = 2.0 * sinHalfPhi * cosHalfPhi;
    let cosPhi = 1.0 - 2.0 * sinHalfPhi * sinHalfPhi;
    let sinW2 = 1.0 - dir.z * dir.z;
    let sinW = sqrt(max(sinW2, 1e-30));
    var d2: vec3<f32>;
    if (sinW2 > 1e-10) {
      d2 = vec3<f32>(
        dir.x * cosTheta + sinTheta * ((dir.x * dir.z * cosPhi - dir.y * sinPhi) / sinW),
        dir.y * cosTheta + sinTheta * ((dir.y * dir.z * cosPhi + dir.x * sinPhi) / sinW),
        dir.z * cosTheta - sinTheta * (sinW * cosPhi));
    } else {
      d2 = vec3<f32>(sinTheta * cosPhi, sinTheta * sinPhi, dir.z * cosTheta);
    }
    d2 = d2 * (1.0 / sqrt(d2.x * d2.x + d2.y * d2.y + d2.z * d2.z));

    // 4. Move, cross, hinge (secondaries: through the run, macroStep.ts).
    var scoreVoxel = voxel;
    if (!primary) {
      scoreVoxel = moveThroughRun(p.ix, p.iy, p.iz, vec3<f32>(x, y, z), dir, s, crossing, (1.0 - uHinge) * s, d2);
    } else {
    let xStart = x;
    let yStart = y;
    x = x + s * dir.x;
    y = y + s * dir.y;
    z = z + s * dir.z;
    let crossX = crossing && toX == toPlane;
    let crossY = crossing && !crossX && toY == toPlane;
    let crossZ = crossing && !crossX && !crossY;
    if (crossX) { x = planeX; }
    if (crossY) { y = planeY; }
    if (crossZ) { z = planeZ; }
    let hinge = (1.0 - uHinge) * s;
    // The hinge displacement (stepScalar.ts, step 4): x and y in the phantom's geometry; in the room's, every axis but the crossed one.
    let anyDirection = pi(P_SOURCE_MODE) != 0;
    let displacedX = select(x + hinge * (d2.x - dir.x), planeX, anyDirection && crossX);
    let displacedY = select(y + hinge * (d2.y - dir.y), planeY, anyDirection && crossY);
    let ixFloor = i32(floor((displacedX - originX) / voxelX));
    let iyFloor = i32(floor((displacedY - originY) / voxelY));
    let ixCrossed = p.ix + select(-1, 1, dir.x > 0.0);
    let iyCrossed = p.iy + select(-1, 1, dir.y > 0.0);
    p.ix = select(select(p.ix, ixFloor, displacedX != xStart), ixCrossed, crossX && displacedX == planeX);
    p.iy = select(select(p.iy, iyFloor, displacedY != yStart), iyCrossed, crossY && displacedY == planeY);
    let izCrossed = p.iz + select(-1, 1, dir.z > 0.0);
    if (anyDirection) {
      let displacedZ = select(z + hinge * (d2.z - dir.z), z, crossZ);
      p.iz = select(select(p.iz, i32(floor(displacedZ / voxelZ)), displacedZ != zStart), izCrossed, crossZ);
      z = displacedZ;
    } else if (crossZ) { p.iz = izCrossed; }
    if (primary && crossZ && dir.z > 0.0 && p.iz < nz) { enterSlab(u32(p.iz)); }
    if (primary && crossZ && dir.z > 0.0 && p.iz == pi(P_PROBE_Z_INDEX)) {
      // Lateral probe (primaries): positions relative to the grid's low corner, so the fixed-point sums stay non-negative.
      let px = displacedX - originX;
      let py = displacedY - originY;
      addWordCounter(C_PROBE_COUNT, 1u);
      let sx = fixedWords(px, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_X, sx.x, sx.y);
      let sxx = fixedWords(px * px, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_X_SQ, sxx.x, sxx.y);
      let sy = fixedWords(py, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_Y, sy.x, sy.y);
      let syy = fixedWords(py * py, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_Y_SQ, syy.x, syy.y);
    }
    p.pos = vec3<f32>(displacedX, displacedY, z);
    }
    p.dir = d2;
    p.range = newRange;
    p.position = newPosition;
    p.rangeLow = newRangeLow;
    p.energy = newEnergy;

    // Score the step (lanes.ts: finishStep).
    let stepEnergy = min(newEnergy, p.previous);
    let stepMeV = (p.previous - stepEnergy) * massNumber;
    let stepUnits = fixedWords(stepMeV, ENERGY_UNITS_PER_MEV);
    depositUnits(scoreVoxel, stepUnits);
    if (SCORE_LET) { scoreLetStep(scoreVoxel, stepMeV, stepUnits, letWater, letMedium, s, primary); }
    p.previous = stepEnergy;
    // Outcome, in the order of lanes.ts (finishStep): stopped, escaped, or stopped by the step guard; then a nuclear event.
    let stopped = newRange <= tables[base + M_CUTOFF_RANGE_G_PER_CM2];
    let escaped = p.ix < 0 || p.iy < 0 || p.iz < 0 || p.ix >= nx || p.iy >= ny || p.iz >= nz;
    let aborted = !stopped && !escaped && step + 1u == MAX_STEPS_PER_HISTORY;
    if (stopped || aborted) {
      depositUnits(scoreVoxel, fixedWords(stepEnergy * massNumber, ENERGY_UNITS_PER_MEV));
      countEnergy(C_CUTOFF_ENERGY, stepEnergy * massNumber);
      if (primary && primaryEvents == 0u) {
        addWordCounter(C_STOPPED, 1u);
        let depth = fixedWords(z, LENGTH_UNITS_PER_MM);
        addPairCounter(C_STOP_DEPTH_SUM, depth.x, depth.y);
        let depth2 = fixedWords(z * z, LENGTH_UNITS_PER_MM);
        addPairCounter(C_STOP_DEPTH_SUM_SQ, depth2.x, depth2.y);
      }
      addPairCounter(C_STEPS, step + 1u, 0u);
      if (aborted) { addWordCounter(C_ABORTED_HISTORIES, 1u); }
      return;
    }
    if (escaped) {
      countEnergy(C_ESCAPED_ENERGY, stepEnergy * massNumber);
      addPairCounter(C_STEPS, step + 1u, 0u);
      return;
    }
    let nextMaterial = materialIndex[voxelOf(p.ix, p.iy, p.iz)];
    if (nextMaterial != p.material) {
      loadMaterial(nextMaterial);
      setRangeFromEnergy(stepEnergy);
    }
    if (nuclearEventDue) {
      if (primary) { primaryEvents += 1u; }
      // Ion species with reactions (a library row) react; protons take nuclearEvent.
      var goesOn = false;
      if (tables[p.base + M_LIBRARY_ROW] >= 0.0) { goesOn = ionReaction(stepEnergy, step + 1u); }
      else { goesOn = nuclearEvent(stepEnergy, step + 1u); }
      if (!goesOn) {
        addPairCounter(C_STEPS, step + 1u, 0u);
        return;
      }
      p.previous = p.energy;
    }
  }
}

/** lanes.ts: spotOfHistory, the first word of the record of the plan's spot that history h draws. */
fn spotOfHistory(history: u32) -> u32 {
  var low = 0u;
  var high = pu(P_SPOT_COUNT) - 1u;
  while (low < high) {
    let middle = (low + high + 1u) >> 1u;
    if (pu(PARAMS_WORDS + middle * SPOT_WORDS + SPOT_FIRST_HISTORY) <= history) { low = middle; } else { high = middle - 1u; }
  }
  return PARAMS_WORDS + low * SPOT_WORDS;
}

/** lanes.ts: boxEntryAxis, the axis through whose face the ray enters the box, -1 if it misses. */
fn boxEntryAxis(point: vec3<f32>, d: vec3<f32>, low: vec3<f32>, high: vec3<f32>) -> i32 {
  var enter = -3.4e38;
  var leave = 3.4e38;
  var axis = -1;
  for (var a = 0; a < 3; a++) {
    if (d[a] == 0.0) {
      if (point[a] < low[a] || point[a] > high[a]) { return -1; }
      continue;
    }
    let t1 = (low[a] - point[a]) / d[a];
    let t2 = (high[a] - point[a]) / d[a];
    let near = min(t1, t2);
    if (near > enter) { enter = near; axis = a; }
    leave = min(leave, max(t1, t2));
  }
  return select(-1, axis, enter <= leave);
}

fn runHistory(lo: u32, hi: u32) {
  historyLo = lo;
  historyHi = hi;
  let massNumber = pf(P_MASS_NUMBER);

  // Source (lanes.ts: startHistory).
  let words = random(0u, 0u);
  // The beam's fields and frame: the run's (sourceMode 0, 1) or the record of the plan's spot this
  // history draws (2), in the same order (lanes.ts: startHistory; layout.ts: SPOT).
  let sourceMode = pi(P_SOURCE_MODE);
  var beam = P_BEAM_ENERGY_MEV_PER_U;
  var frame = P_BEAM_U_X;
  if (sourceMode == 2) {
    let spot = spotOfHistory(lo);
    beam = spot + SPOT_BEAM;
    frame = spot + SPOT_FRAME;
  }
  let energy0 = max(pf(beam) + pf(beam + P_BEAM_ENERGY_SIGMA_MEV_PER_U - P_BEAM_ENERGY_MEV_PER_U) * normalFromUniform(uniformFromBits(words.z)), 0.0);
  let spotXY = gaussianPair(uniformFromBits(words.x), uniformFromBits(words.y));
  // The spot's position: in the phantom's x, y (sourceMode 0) or in the beam's eye view at the isocentre plane (1).
  let centerX = pf(beam + P_BEAM_CENTER_X_MM - P_BEAM_ENERGY_MEV_PER_U);
  let centerY = pf(beam + P_BEAM_CENTER_Y_MM - P_BEAM_ENERGY_MEV_PER_U);
  var x = centerX + pf(beam + P_SPOT_SIGMA_X_MM - P_BEAM_ENERGY_MEV_PER_U) * spotXY.x;
  var y = centerY + pf(beam + P_SPOT_SIGMA_Y_MM - P_BEAM_ENERGY_MEV_PER_U) * spotXY.y;
  var z = 0.0;
  var dir = vec3<f32>(0.0, 0.0, 1.0);
  var thetaX = 0.0;
  var thetaY = 0.0;
  let divergenceX = pf(beam + P_DIVERGENCE_SIGMA_X_RAD - P_BEAM_ENERGY_MEV_PER_U);
  let divergenceY = pf(beam + P_DIVERGENCE_SIGMA_Y_RAD - P_BEAM_ENERGY_MEV_PER_U);
  if (divergenceX > 0.0 || divergenceY > 0.0) {
    let w2 = random(1u, 0u);
    let g = gaussianPair(uniformFromBits(w2.x), uniformFromBits(w2.y));
    thetaX = divergenceX * g.x;
    thetaY = divergenceY * g.y;
    let norm = 1.0 / sqrt(1.0 + thetaX * thetaX + thetaY * thetaY);
    dir = vec3<f32>(thetaX * norm, thetaY * norm, norm);
  }
  addWordCounter(C_HISTORIES, 1u);
  countEnergy(C_INCIDENT_ENERGY, energy0 * massNumber);
  let originX = pf(P_ORIGIN_X_MM); let originY = pf(P_ORIGIN_Y_MM);
  let voxelX = pf(P_VOXEL_X_MM); let voxelY = pf(P_VOXEL_Y_MM); let voxelZ = pf(P_VOXEL_Z_MM);
  let nx = pi(P_NX); let ny = pi(P_NY); let nz = pi(P_NZ);
  var ix = 0; var iy = 0; var iz = 0;
  var enteringDepth = true;
  if (sourceMode == 0) {
    ix = i32(floor((x - originX) / voxelX));
    iy = i32(floor((y - originY) / voxelY));
    if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) {
      countEnergy(C_ESCAPED_ENERGY, energy0 * massNumber);
      addWordCounter(C_MISSED_HISTORIES, 1u);
      return;
    }
  } else {
    // The room's geometry (lanes.ts: startHistory, the same operations).
    let f = frame - P_BEAM_U_X;
    let sourceX = pf(f + P_SOURCE_AXIS_DISTANCE_X_MM); let sourceY = pf(f + P_SOURCE_AXIS_DISTANCE_Y_MM);
    let slopeX = select(0.0, centerX / sourceX, sourceX > 0.0) + thetaX;
    let slopeY = select(0.0, centerY / sourceY, sourceY > 0.0) + thetaY;
    let norm = 1.0 / sqrt(1.0 + slopeX * slopeX + slopeY * slopeY);
    let bu = vec3<f32>(pf(f + P_BEAM_U_X), pf(f + P_BEAM_U_Y), pf(f + P_BEAM_U_Z));
    let bv = vec3<f32>(pf(f + P_BEAM_V_X), pf(f + P_BEAM_V_Y), pf(f + P_BEAM_V_Z));
    let bd = vec3<f32>(pf(f + P_BEAM_DIR_X), pf(f + P_BEAM_DIR_Y), pf(f + P_BEAM_DIR_Z));
    dir = (bd + slopeX * bu + slopeY * bv) * norm;
    let point = vec3<f32>(pf(f + P_ISOCENTER_X_MM), pf(f + P_ISOCENTER_Y_MM), pf(f + P_ISOCENTER_Z_MM)) + x * bu + y * bv;
    let low = vec3<f32>(originX, originY, 0.0);
    let high = vec3<f32>(originX + f32(nx) * voxelX, originY + f32(ny) * voxelY, f32(nz) * voxelZ);
    let entry = boxEntryAxis(point, dir, low, high);
    if (entry < 0) {
      countEnergy(C_ESCAPED_ENERGY, energy0 * massNumber);
      addWordCounter(C_MISSED_HISTORIES, 1u);
      return;
    }
    let face = select(high, low, dir > vec3<f32>(0.0));
    let t = (face[entry] - point[entry]) / dir[entry];
    x = select(point.x + t * dir.x, face.x, entry == 0);
    y = select(point.y + t * dir.y, face.y, entry == 1);
    z = select(point.z + t * dir.z, face.z, entry == 2);
    ix = clamp(i32(floor((x - originX) / voxelX)), 0, nx - 1);
    iy = clamp(i32(floor((y - originY) / voxelY)), 0, ny - 1);
    iz = clamp(i32(floor(z / voxelZ)), 0, nz - 1);
    // The fluence by depth counts primaries through the z = 0 face.
    enteringDepth = entry == 2 && dir.z > 0.0;
  }
  if (enteringDepth) { enterSlab(0u); }
  p.pos = vec3<f32>(x, y, z);
  p.dir = dir;
  p.ix = ix; p.iy = iy; p.iz = iz;
  p.radiationLengths = 0.0; p.scatterIntegral = 0.0; p.theta2 = 0.0;
  // The primary is particle 0: steps on Philox word 1, nuclear numbers on 2 (nuclear.ts).
  p.stream = 1u;
  p.species = pu(P_BEAM_SPECIES);
  p.freePaths = 1.0;
  if (NUCLEAR) { p.freePaths = meanFreePaths(random(0u, 2u).x); }
  p.previous = energy0;
  secondaryCount = 0u;
  stackSize = 0u;
  primaryEvents = 0u;
  openVoxel = voxelOf(ix, iy, iz);
  openUnits = vec2<u32>(0u, 0u);
  letVoxel = openVoxel;
  for (var k = 0u; k < LET_FIELDS; k++) { letOpen[k] = vec2<u32>(0u, 0u); }
  loadMaterial(materialIndex[openVoxel]);
  setRangeFromEnergy(energy0);
  if (p.range <= tables[p.base + M_CUTOFF_RANGE_G_PER_CM2]) {
    depositEnergy(openVoxel, energy0 * massNumber);
    addChargeDeposit(openVoxel, fixedWords(energy0 * massNumber, ENERGY_UNITS_PER_MEV));
    countEnergy(C_CUTOFF_ENERGY, energy0 * massNumber);
    return;
  }
  // The primary, then its secondaries from the stack (lanes.ts: endParticle).
  loop {
    transportParticle();
    var next = false;
    while (stackSize > 0u && !next) { next = startSecondary(); }
    if (!next) { break; }
  }
  flushDeposit(openVoxel, openUnits);
  if (SCORE_LET) { flushLet(); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) local: u32, @builtin(workgroup_id) group: vec3<u32>) {
  letCopyBase = (group.x % LET_COPIES) * pu(P_NX) * pu(P_NY) * pu(P_NZ) * LET_FIELDS;
  for (var k = local; k < COUNTER_WORDS; k += WORKGROUP_SIZE) { atomicStore(&groupCounters[k], 0u); }
  for (var k = local; k < GROUP_SLABS; k += WORKGROUP_SIZE) { atomicStore(&groupSlabs[k], 0u); }
  workgroupBarrier();
  let count = atomicLoad(&control[1]);
  let firstLo = atomicLoad(&control[2]);
  let firstHi = atomicLoad(&control[3]);
  loop {
    let k = atomicAdd(&control[0], 1u);
    if (k >= count) { break; }
    let lo = firstLo + k;
    let hi = firstHi + select(0u, 1u, lo < firstLo);
    runHistory(lo, hi);
  }
  workgroupBarrier();
  // The workgroup's counters into the global ones: 64-bit pairs with their carry, then single words.
  for (var pair = local; pair < COUNTER_PAIRS; pair += WORKGROUP_SIZE) {
    let k = 2u * pair;
    let lo = atomicLoad(&groupCounters[k]);
    let hi = atomicLoad(&groupCounters[k + 1u]);
    if (lo == 0u && hi == 0u) { continue; }
    let old = atomicAdd(&counters[k], lo);
    let carry = select(0u, 1u, old + lo < old);
    if (hi + carry != 0u) { atomicAdd(&counters[k + 1u], hi + carry); }
  }
  for (var k = 2u * COUNTER_PAIRS + local; k < COUNTER_WORDS; k += WORKGROUP_SIZE) {
    let value = atomicLoad(&groupCounters[k]);
    if (value != 0u) { atomicAdd(&counters[k], value); }
  }
  for (var k = local; k < GROUP_SLABS; k += WORKGROUP_SIZE) {
    let value = atomicLoad(&groupSlabs[k]);
    if (value != 0u) { atomicAdd(&counters[COUNTER_WORDS + k], value); }
  }
}
