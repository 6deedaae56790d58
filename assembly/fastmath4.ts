// Lane-wise twins of fastmath.ts on f32x4: the same IEEE operations in the
// same order, so each lane equals the scalar result bit for bit. Sources and
// error budgets are stated in fastmath.ts.

@inline function k4(c: f32): v128 { return f32x4.splat(c); }

/** Natural logarithm of four positive normal floats (Cephes logf). */
@inline export function logf4(x: v128): v128 {
  const exponentBits = i32x4.sub(i32x4.shr_s(x, 23), i32x4.splat(126));
  let e = f32x4.convert_i32x4_s(exponentBits);
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, k4(0.70710677));
  e = v128.bitselect(f32x4.sub(e, k4(1.0)), e, small);
  m = v128.bitselect(f32x4.sub(f32x4.add(m, m), k4(1.0)), f32x4.sub(m, k4(1.0)), small);
  const z = f32x4.mul(m, m);
  let y = k4(7.0376836292e-2);
  y = f32x4.sub(f32x4.mul(y, m), k4(1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), k4(1.1676998740e-1));
  y = f32x4.sub(f32x4.mul(y, m), k4(1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), k4(1.4249322787e-1));
  y = f32x4.sub(f32x4.mul(y, m), k4(1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), k4(2.0000714765e-1));
  y = f32x4.sub(f32x4.mul(y, m), k4(2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), k4(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(e, k4(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, k4(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(e, k4(0.693359375)));
}

/** sin(x) for |x| <= pi/2, four lanes (Taylor series to x^13). */
@inline export function sinHalfPi4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  let p = k4(1.6059043836821614e-10);
  p = f32x4.sub(f32x4.mul(p, x2), k4(2.505210838544172e-8));
  p = f32x4.add(f32x4.mul(p, x2), k4(2.7557319223985893e-6));
  p = f32x4.sub(f32x4.mul(p, x2), k4(1.984126984126984e-4));
  p = f32x4.add(f32x4.mul(p, x2), k4(8.333333333333333e-3));
  p = f32x4.sub(f32x4.mul(p, x2), k4(1.6666666666666666e-1));
  p = f32x4.add(f32x4.mul(p, x2), k4(1.0));
  return f32x4.mul(p, x);
}

/** Standard normal deviates from four uniforms in (0, 1) (Giles erfinv). */
@inline export function normalFromUniform4(u: v128): v128 {
  const x = f32x4.sub(f32x4.add(u, u), k4(1.0));
  const w0 = f32x4.neg(logf4(f32x4.mul(f32x4.mul(u, k4(4.0)), f32x4.sub(k4(1.0), u))));
  const central = f32x4.lt(w0, k4(5.0));
  let w = f32x4.sub(w0, k4(2.5));
  let p = k4(2.81022636e-08);
  p = f32x4.add(f32x4.mul(p, w), k4(3.43273939e-07));
  p = f32x4.sub(f32x4.mul(p, w), k4(3.5233877e-06));
  p = f32x4.sub(f32x4.mul(p, w), k4(4.39150654e-06));
  p = f32x4.add(f32x4.mul(p, w), k4(0.00021858087));
  p = f32x4.sub(f32x4.mul(p, w), k4(0.00125372503));
  p = f32x4.sub(f32x4.mul(p, w), k4(0.00417768164));
  p = f32x4.add(f32x4.mul(p, w), k4(0.246640727));
  p = f32x4.add(f32x4.mul(p, w), k4(1.50140941));
  if (!v128.all_true<i32>(central)) {
    w = f32x4.sub(f32x4.sqrt(w0), k4(3.0));
    let q = k4(-0.000200214257);
    q = f32x4.add(f32x4.mul(q, w), k4(0.000100950558));
    q = f32x4.add(f32x4.mul(q, w), k4(0.00134934322));
    q = f32x4.sub(f32x4.mul(q, w), k4(0.00367342844));
    q = f32x4.add(f32x4.mul(q, w), k4(0.00573950773));
    q = f32x4.sub(f32x4.mul(q, w), k4(0.0076224613));
    q = f32x4.add(f32x4.mul(q, w), k4(0.00943887047));
    q = f32x4.add(f32x4.mul(q, w), k4(1.00167406));
    q = f32x4.add(f32x4.mul(q, w), k4(2.83297682));
    p = v128.bitselect(p, q, central);
  }
  return f32x4.mul(f32x4.mul(p, x), k4(1.4142135));
}

/** Uniforms in (0, 1) from four random words: (2k+1) 2^-24, k = word >> 9. */
@inline export function uniformFromBits4(bits: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(bits, 9)), k4(1.1920929e-7)), k4(5.9604645e-8));
}

/** Four thresholds t with P(w < t) = p for uniform random 32-bit words (fastmath.ts: wordThreshold). */
@inline export function wordThreshold4(p: v128): v128 {
  return i32x4.trunc_sat_f32x4_u(f32x4.min(f32x4.add(f32x4.mul(p, k4(4294967296.0)), k4(0.5)), k4(4294967040.0)));
}
