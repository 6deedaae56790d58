// Physical constants used by the transport kernels (f32).

/** K m_e c^2 in MeV^2 cm^2/mol, the Bohr straggling constant: K = 0.307075 MeV cm^2/mol,
 *  m_e c^2 = 0.51099895 MeV (PDG Review of Particle Physics, "Passage of particles
 *  through matter", Table 34.1). */
@inline export const BOHR_K_ME_C2: f32 = 0.156915;

/** (14.1 MeV)^2: Highland's constant in the form used for protons by Gottschalk et al.,
 *  NIM B74 (1993) 467: theta0 = 14.1 MeV z / (pv) sqrt(L/L_R) [1 + (1/9) log10(L/L_R)]. */
@inline export const HIGHLAND_E_MEV_SQUARED: f32 = 198.81;

/** 1 / (9 ln 10): turns ln(L/L_R) into the (1/9) log10(L/L_R) of Highland's formula. */
@inline export const INV_NINE_LN10: f32 = 0.048254942;

@inline export const PI_F32: f32 = 3.1415927;

/** Distance to a voxel plane that a direction parallel to it never reaches (mm). */
@inline export const FAR_MM: f32 = 1.0e30;

/** Floor of residual ranges, so their logarithm stays finite (g/cm^2). */
@inline export const MIN_RANGE_G_PER_CM2: f32 = 1.0e-20;

/** A history that has not ended after this many steps is stopped and counted (a guard, never hit in practice). */
@inline export const MAX_STEPS_PER_HISTORY: i32 = 1000000;
