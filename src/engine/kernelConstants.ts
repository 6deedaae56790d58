/**
 * The physics constants of the transport kernels, for the WGSL preamble:
 * the same values as assembly/physicsConstants.ts (test/gpu/preamble.test.ts
 * holds the two to each other). Sources are cited there.
 */
export const KERNEL_CONSTANTS = {
  BOHR_K_ME_C2: 0.156915,
  HIGHLAND_E_MEV_SQUARED: 198.81,
  INV_NINE_LN10: 0.048254942,
  PI_F32: 3.1415927,
  FAR_MM: 1.0e30,
  MIN_RANGE_G_PER_CM2: 1.0e-20,
} as const;
export const MAX_STEPS_PER_HISTORY = 1_000_000;
