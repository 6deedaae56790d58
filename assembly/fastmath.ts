// Single-precision elementary functions used by the transport kernels.
// Every function here has a lane-wise twin in fastmath4.ts that performs the
// same IEEE operations in the same order, so the scalar and SIMD kernels give
// bit-identical histories. Inputs are restricted to what the physics needs.

@inline const SQRT_HALF: f32 = 0.70710677;

/**
 * Natural logarithm for positive normal x.
 * Algorithm and coefficients: Cephes Math Library, logf.c (S. L. Moshier,
 * 1984-2000): reduction to m in [sqrt(1/2), sqrt(2)), minimax polynomial.
 * Error budget: about 2 ulp over positive normal inputs (Cephes reports
 * rms 7.7e-8 relative on its test interval).
 */
@inline export function logf(x: f32): f32 {
  const bits = reinterpret<i32>(x);
  let e = <f32>((bits >> 23) - 126);
  let m = reinterpret<f32>((bits & 0x007fffff) | 0x3f000000);
  const small = m < SQRT_HALF;
  e = small ? e - <f32>1.0 : e;
  m = small ? (m + m) - <f32>1.0 : m - <f32>1.0;
  const z = m * m;
  let y: f32 = 7.0376836292e-2;
  y = y * m - 1.1514610310e-1;
  y = y * m + 1.1676998740e-1;
  y = y * m - 1.2420140846e-1;
  y = y * m + 1.4249322787e-1;
  y = y * m - 1.6668057665e-1;
  y = y * m + 2.0000714765e-1;
  y = y * m - 2.4999993993e-1;
  y = y * m + 3.3333331174e-1;
  y = (y * m) * z;
  y = y + e * <f32>-2.12194440e-4;
  y = y - z * <f32>0.5;
  return (m + y) + e * <f32>0.693359375;
}

/**
 * sin(x) for |x| <= pi/2: Taylor series to x^13 in Horner form.
 * Error budget: truncation (pi/2)^15/15! = 6.7e-10, below f32 rounding
 * (total under 2 ulp).
 */
@inline export function sinHalfPi(x: f32): f32 {
  const x2 = x * x;
  let p: f32 = 1.6059043836821614e-10;   // 1/13!
  p = p * x2 - 2.505210838544172e-8;     // 1/11!
  p = p * x2 + 2.7557319223985893e-6;    // 1/9!
  p = p * x2 - 1.984126984126984e-4;     // 1/7!
  p = p * x2 + 8.333333333333333e-3;     // 1/5!
  p = p * x2 - 1.6666666666666666e-1;    // 1/3!
  p = p * x2 + <f32>1.0;
  return p * x;
}

/**
 * Standard normal deviate from a uniform u in (0, 1): sqrt(2) * erfinv(2u - 1).
 * erfinv: M. Giles, "Approximating the erfinv function", GPU Computing Gems
 * Jade Edition (2011), single-precision coefficients; relative error below
 * 3.7e-7 away from the tails (stated in the paper).
 */
@inline export function normalFromUniform(u: f32): f32 {
  const x = (u + u) - <f32>1.0;
  // (1 - x)(1 + x) written as 4u(1 - u), which keeps full precision in the tails.
  const w0 = -logf((u * <f32>4.0) * (<f32>1.0 - u));
  let p: f32;
  if (w0 < <f32>5.0) {
    const w = w0 - <f32>2.5;
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
    const w = sqrt<f32>(w0) - <f32>3.0;
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
  return (p * x) * <f32>1.4142135;
}

/** Uniform in the open interval (0, 1) from a random 32-bit word: (2k+1) 2^-24, k = word >> 9. */
@inline export function uniformFromBits(bits: u32): f32 {
  return <f32>(<i32>(bits >>> 9)) * <f32>1.1920929e-7 + <f32>5.9604645e-8;
}

/**
 * The threshold t for which a uniform random 32-bit word w has P(w < t) = p,
 * p rounded to the nearest multiple of 2^-32 (p in [0, 1]; the result is
 * clamped to the largest f32 below 2^32, so the conversion is exact and never
 * out of range). For rare events: uniformFromBits resolves only 2^-23.
 */
@inline export function wordThreshold(p: f32): u32 {
  return <u32>min<f32>(p * <f32>4294967296.0 + <f32>0.5, <f32>4294967040.0);
}
