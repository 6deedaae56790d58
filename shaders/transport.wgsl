// Condensed-history transport of one history per invocation (persistent
// threads taking histories from an atomic counter): the physics of
// assembly/stepScalar.ts and assembly/lanes.ts, step by step, on f32. Read
// those files for the formulas and their sources. The constants P_*, M_*,
// T_*, the physics constants and the tally indices are generated from the
// TypeScript layout schema (src/gpu/wgslPreamble.ts), so buffers and shader
// cannot drift apart; philox.wgsl is prepended.
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

fn pu(i: u32) -> u32 { return params[i]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(params[i]); }
fn pi(i: u32) -> i32 { return bitcast<i32>(params[i]); }

/** Adds a non-negative 64-bit value (hi, lo) to the atomic pair at index 2k (lo), 2k+1 (hi). */
fn addPairVoxel(k: u32, lo: u32, hi: u32) {
  let old = atomicAdd(&voxelEnergy[2u * k], lo);
  let carry = select(0u, 1u, old + lo < old);
  if (hi + carry != 0u) { atomicAdd(&voxelEnergy[2u * k + 1u], hi + carry); }
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
fn flushDeposit(voxel: u32, units: vec2<u32>) {
  if (SCORE_DEPOSITS && (units.x != 0u || units.y != 0u)) { addPairVoxel(voxel, units.x, units.y); }
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

fn tableBase(material: u32) -> u32 { return material * (pu(P_TABLE_STRIDE) / 4u); }

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

fn runHistory(historyLo: u32, historyHi: u32) {
  let key = vec2<u32>(pu(P_SEED_LO), pu(P_SEED_HI));
  let massNumber = pf(P_MASS_NUMBER);
  let charge = pf(P_CHARGE_NUMBER);
  let nucleonMass = pf(P_MASS_PER_NUCLEON_MEV);
  let nx = pi(P_NX); let ny = pi(P_NY); let nz = pi(P_NZ);
  let voxelX = pf(P_VOXEL_X_MM); let voxelY = pf(P_VOXEL_Y_MM); let voxelZ = pf(P_VOXEL_Z_MM);
  let originX = pf(P_ORIGIN_X_MM); let originY = pf(P_ORIGIN_Y_MM);

  // Source (lanes.ts: startHistory).
  let words = philox4x32_10(vec4<u32>(0u, 0u, historyLo, historyHi), key);
  let energy0 = max(pf(P_BEAM_ENERGY_MEV_PER_U) + pf(P_BEAM_ENERGY_SIGMA_MEV_PER_U) * normalFromUniform(uniformFromBits(words.z)), 0.0);
  let spot = gaussianPair(uniformFromBits(words.x), uniformFromBits(words.y));
  var x = pf(P_BEAM_CENTER_X_MM) + pf(P_SPOT_SIGMA_X_MM) * spot.x;
  var y = pf(P_BEAM_CENTER_Y_MM) + pf(P_SPOT_SIGMA_Y_MM) * spot.y;
  var z = 0.0;
  var dir = vec3<f32>(0.0, 0.0, 1.0);
  if (pf(P_DIVERGENCE_SIGMA_X_RAD) > 0.0 || pf(P_DIVERGENCE_SIGMA_Y_RAD) > 0.0) {
    let w2 = philox4x32_10(vec4<u32>(1u, 0u, historyLo, historyHi), key);
    let g = gaussianPair(uniformFromBits(w2.x), uniformFromBits(w2.y));
    let thetaX = pf(P_DIVERGENCE_SIGMA_X_RAD) * g.x;
    let thetaY = pf(P_DIVERGENCE_SIGMA_Y_RAD) * g.y;
    let norm = 1.0 / sqrt(1.0 + thetaX * thetaX + thetaY * thetaY);
    dir = vec3<f32>(thetaX * norm, thetaY * norm, norm);
  }
  addWordCounter(C_HISTORIES, 1u);
  countEnergy(C_INCIDENT_ENERGY, energy0 * massNumber);
  var ix = i32(floor((x - originX) / voxelX));
  var iy = i32(floor((y - originY) / voxelY));
  var iz = 0;
  if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) {
    countEnergy(C_ESCAPED_ENERGY, energy0 * massNumber);
    addWordCounter(C_MISSED_HISTORIES, 1u);
    return;
  }
  var material = materialIndex[voxelOf(ix, iy, 0)];
  var base = tableBase(material);
  var range = rangeAtEnergy(base, energy0);
  var energy = energy0;
  let position0 = rangePosition(base, range);
  var rangeLow = interpolate(base, T_RANGE_LOW_AT_RANGE, position0);
  // The table's round-trip residue E - E(R(E)), added to every energy read from the table (stepScalar.ts, header: c).
  var energyOffset = energy0 - interpolate(base, T_ENERGY_AT_RANGE, position0);
  var previous = energy0;
  var radiationLengthsSum = 0.0;
  var scatterIntegral = 0.0;
  var theta2 = 0.0;
  // The open voxel's deposit, in fixed-point units, not yet added to the tally.
  var openVoxel = voxelOf(ix, iy, 0);
  var openUnits = vec2<u32>(0u, 0u);
  if (range <= tables[base + M_CUTOFF_RANGE_G_PER_CM2]) {
    depositEnergy(voxelOf(ix, iy, 0), energy0 * massNumber);
    countEnergy(C_CUTOFF_ENERGY, energy0 * massNumber);
    return;
  }
  for (var step = 0u; step < MAX_STEPS_PER_HISTORY; step++) {
    let voxel = voxelOf(ix, iy, iz);
    let rho = density[voxel];
    let r = philox4x32_10(vec4<u32>(step, 1u, historyLo, historyHi), key);
    let uTheta = uniformFromBits(r.x);
    let uPhi = uniformFromBits(r.y);
    let uHinge = uniformFromBits(r.z);
    let uStraggling = uniformFromBits(r.w);

    // 1. Step length (mm).
    let energyLimitMm = ((range - rangeLow) / rho) * 10.0;
    let planeX = originX + f32(ix + select(0, 1, dir.x > 0.0)) * voxelX;
    let planeY = originY + f32(iy + select(0, 1, dir.y > 0.0)) * voxelY;
    let planeZ = f32(iz + select(0, 1, dir.z > 0.0)) * voxelZ;
    let toX = select(max((planeX - x) / dir.x, 0.0), FAR_MM, dir.x == 0.0);
    let toY = select(max((planeY - y) / dir.y, 0.0), FAR_MM, dir.y == 0.0);
    let toZ = select(max((planeZ - z) / dir.z, 0.0), FAR_MM, dir.z == 0.0);
    let physicsLimit = min(energyLimitMm, pf(P_MAX_STEP_MM));
    let toPlane = min(toX, min(toY, toZ));
    let crossing = toPlane <= physicsLimit;
    let s = min(physicsLimit, toPlane);
    let massStep = (rho * s) * 0.1;

    let meanRange = max(range - massStep, MIN_RANGE_G_PER_CM2);
    let meanPosition = rangePosition(base, meanRange);
    let meanEnergy = interpolate(base, T_ENERGY_AT_RANGE, meanPosition);
    let meanStopping = interpolate(base, T_STOPPING_AT_RANGE, meanPosition);

    // 2. Bohr straggling; two-point distribution on short steps, its mean rho s and its probability
    //    to 2^-32 (stepScalar.ts, header: low densities).
    let midEnergy = (energy + meanEnergy) * 0.5;
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
    let newEnergy = interpolate(base, T_ENERGY_AT_RANGE, newPosition) + energyOffset;
    let newRangeLow = interpolate(base, T_RANGE_LOW_AT_RANGE, newPosition);

    // 3. Scattering, cumulative Highland.
    let pv = ((massNumber * midEnergy) * (midEnergy + 2.0 * nucleonMass)) / (midEnergy + nucleonMass);
    let radiationLengths = massStep / tables[base + M_RADIATION_LENGTH_G_PER_CM2];
    radiationLengthsSum = radiationLengthsSum + radiationLengths;
    scatterIntegral = scatterIntegral + radiationLengths / (pv * pv);
    let logTerm = max(1.0 + logf(radiationLengthsSum) * INV_NINE_LN10, 0.0);
    let theta2After = ((HIGHLAND_E_MEV_SQUARED * (charge * charge)) * scatterIntegral) * (logTerm * logTerm);
    let deltaTheta2 = max(theta2After - theta2, 0.0);
    theta2 = max(theta2After, theta2);
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

    // 4. Move, cross, hinge.
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
    let displacedX = x + hinge * (d2.x - dir.x);
    let displacedY = y + hinge * (d2.y - dir.y);
    let ixFloor = i32(floor((displacedX - originX) / voxelX));
    let iyFloor = i32(floor((displacedY - originY) / voxelY));
    let ixCrossed = ix + select(-1, 1, dir.x > 0.0);
    let iyCrossed = iy + select(-1, 1, dir.y > 0.0);
    ix = select(select(ix, ixFloor, displacedX != xStart), ixCrossed, crossX && displacedX == planeX);
    iy = select(select(iy, iyFloor, displacedY != yStart), iyCrossed, crossY && displacedY == planeY);
    if (crossZ) { iz = iz + select(-1, 1, dir.z > 0.0); }
    if (crossZ && dir.z > 0.0 && iz == pi(P_PROBE_Z_INDEX)) {
      // Lateral probe: positions relative to the grid's low corner, so the fixed-point sums stay non-negative.
      let px = displacedX - originX;
      let py = displacedY - originY;
      addWordCounter(C_PROBE_COUNT, 1u);
      let sx = fixedWords(px, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_X, sx.x, sx.y);
      let sxx = fixedWords(px * px, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_X_SQ, sxx.x, sxx.y);
      let sy = fixedWords(py, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_Y, sy.x, sy.y);
      let syy = fixedWords(py * py, LENGTH_UNITS_PER_MM); addPairCounter(C_PROBE_SUM_Y_SQ, syy.x, syy.y);
    }
    x = displacedX;
    y = displacedY;
    dir = d2;
    range = newRange;
    rangeLow = newRangeLow;
    energy = newEnergy;

    // Score the step (lanes.ts: finishStep).
    let stepEnergy = min(newEnergy, previous);
    let deposit = (previous - stepEnergy) * massNumber;
    if (voxel != openVoxel) {
      flushDeposit(openVoxel, openUnits);
      openVoxel = voxel;
      openUnits = vec2<u32>(0u, 0u);
    }
    openUnits = addWords(openUnits, fixedWords(deposit, ENERGY_UNITS_PER_MEV));
    previous = stepEnergy;
    // Outcome, in the order of lanes.ts (finishStep): stopped, escaped, or stopped by the step guard.
    let stopped = newRange <= tables[base + M_CUTOFF_RANGE_G_PER_CM2];
    let escaped = ix < 0 || iy < 0 || iz < 0 || ix >= nx || iy >= ny || iz >= nz;
    let aborted = !stopped && !escaped && step + 1u == MAX_STEPS_PER_HISTORY;
    if (stopped || aborted) {
      flushDeposit(openVoxel, addWords(openUnits, fixedWords(stepEnergy * massNumber, ENERGY_UNITS_PER_MEV)));
      countEnergy(C_CUTOFF_ENERGY, stepEnergy * massNumber);
      addWordCounter(C_STOPPED, 1u);
      let depth = fixedWords(z, LENGTH_UNITS_PER_MM);
      addPairCounter(C_STOP_DEPTH_SUM, depth.x, depth.y);
      let depth2 = fixedWords(z * z, LENGTH_UNITS_PER_MM);
      addPairCounter(C_STOP_DEPTH_SUM_SQ, depth2.x, depth2.y);
      addPairCounter(C_STEPS, step + 1u, 0u);
      if (aborted) { addWordCounter(C_ABORTED_HISTORIES, 1u); }
      return;
    }
    if (escaped) {
      flushDeposit(openVoxel, openUnits);
      countEnergy(C_ESCAPED_ENERGY, stepEnergy * massNumber);
      addPairCounter(C_STEPS, step + 1u, 0u);
      return;
    }
    let nextMaterial = materialIndex[voxelOf(ix, iy, iz)];
    if (nextMaterial != material) {
      material = nextMaterial;
      base = tableBase(material);
      range = rangeAtEnergy(base, stepEnergy);
      energy = stepEnergy;
      let position = rangePosition(base, range);
      rangeLow = interpolate(base, T_RANGE_LOW_AT_RANGE, position);
      energyOffset = stepEnergy - interpolate(base, T_ENERGY_AT_RANGE, position);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) local: u32) {
  for (var k = local; k < COUNTER_WORDS; k += WORKGROUP_SIZE) { atomicStore(&groupCounters[k], 0u); }
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
}
