/**
 * The 24 tissues of the Schneider stoichiometric CT calibration (W. Schneider, T. Bortfeld, W.
 * Schlegel, "Correlation between CT numbers and tissue parameters needed for Monte Carlo
 * simulations of clinical dose distributions", Phys. Med. Biol. 45 (2000) 459): air, lung, five
 * adipose / adrenal gland / small intestine mixtures, soft tissue, connective tissue, and fifteen
 * marrow-bone mixtures, each standing for an interval of CT numbers (huCalibration.ts).
 *
 * Compositions and nominal densities as the open-source MCsquare ships them (UCLouvain, Apache-2.0;
 * GitHub e0404/MCsquare commit 211eefe6, Materials/Schneider_<name>/Material_Properties.dat): the
 * paper's compositions reduced to H, C, N, O, P and Ca and renormalised (MCsquare's reduction; the
 * paper's trace Na, Mg, S, Cl, K, Fe are dropped), mass fractions in %. A voxel's density comes
 * from the CT (huCalibration.ts); the nominal density is the material's default elsewhere.
 *
 * Mean excitation energies: Bragg additivity over the elements, ln I = sum_i w_i (Z/A)_i ln I_i /
 * sum_i w_i (Z/A)_i, with the I-values of elements bound in condensed compounds of Seltzer & Berger
 * (1982) / ICRU Report 37 (elements.ts: condensedCompoundExcitationEnergyEV); air keeps its NIST
 * gas value, 85.7 eV. Tested against MCsquare's proton stopping powers of the same materials
 * (Materials/Schneider_<name>/PSTAR_Stop_Pow.dat) in test/physics/schneiderTissues.test.ts.
 */

/** Our id, MCsquare's material name (and label in its Materials/list.dat), nominal density, composition [Z, % by mass]. */
export const SCHNEIDER_TISSUES = Object.freeze([
  ['schneider-air', 'Schneider_Air', 39, 0.00120479, [[6, 0.012561], [7, 76.50817], [8, 23.479269]]],
  ['schneider-lung', 'Schneider_Lung', 40, 0.0527, [[1, 10.40404], [6, 10.606061], [7, 3.131313], [8, 75.656566], [15, 0.20202]]],
  ['schneider-adipose-1', 'Schneider_AT_AG_SI1', 41, 0.9073, [[1, 11.634905], [6, 68.304915], [7, 0.200602], [8, 19.859579]]],
  ['schneider-adipose-2', 'Schneider_AT_AG_SI2', 42, 0.9439, [[1, 11.334002], [6, 56.870612], [7, 0.902708], [8, 30.892678]]],
  ['schneider-adipose-3', 'Schneider_AT_AG_SI3', 43, 0.9708, [[1, 11.055276], [6, 46.030151], [7, 1.507538], [8, 41.306533], [15, 0.100503]]],
  ['schneider-adipose-4', 'Schneider_AT_AG_SI4', 44, 0.9977, [[1, 10.843373], [6, 35.742972], [7, 2.208835], [8, 51.104418], [15, 0.100402]]],
  ['schneider-adipose-5', 'Schneider_AT_AG_SI5', 45, 1.0246, [[1, 10.653266], [6, 28.542714], [7, 2.613065], [8, 58.090452], [15, 0.100503]]],
  ['schneider-soft-tissue', 'Schneider_SoftTissus', 46, 1.0306, [[1, 10.383065], [6, 13.508065], [7, 3.024194], [8, 72.883065], [15, 0.201613]]],
  ['schneider-connective-tissue', 'Schneider_ConnectiveTissue', 47, 1.0968, [[1, 9.543147], [6, 21.015228], [7, 6.294416], [8, 63.147208]]],
  ['schneider-marrow-bone-01', 'Schneider_Marrow_Bone01', 48, 1.0875, [[1, 9.538153], [6, 45.682731], [7, 2.51004], [8, 35.64257], [15, 2.108434], [20, 4.518072]]],
  ['schneider-marrow-bone-02', 'Schneider_Marrow_Bone02', 49, 1.1348, [[1, 8.935743], [6, 42.46988], [7, 2.710843], [8, 36.445783], [15, 3.012048], [20, 6.425703]]],
  ['schneider-marrow-bone-03', 'Schneider_Marrow_Bone03', 50, 1.1941, [[1, 8.232932], [6, 39.257028], [7, 2.911647], [8, 37.349398], [15, 3.915663], [20, 8.333333]]],
  ['schneider-marrow-bone-04', 'Schneider_Marrow_Bone04', 51, 1.2533, [[1, 7.638191], [6, 36.281407], [7, 3.015075], [8, 38.190955], [15, 4.723618], [20, 10.150754]]],
  ['schneider-marrow-bone-05', 'Schneider_Marrow_Bone05', 52, 1.3126, [[1, 7.128514], [6, 33.634538], [7, 3.212851], [8, 38.855422], [15, 5.421687], [20, 11.746988]]],
  ['schneider-marrow-bone-06', 'Schneider_Marrow_Bone06', 53, 1.3718, [[1, 6.626506], [6, 31.124498], [7, 3.313253], [8, 39.558233], [15, 6.124498], [20, 13.253012]]],
  ['schneider-marrow-bone-07', 'Schneider_Marrow_Bone07', 54, 1.431, [[1, 6.124498], [6, 28.815261], [7, 3.514056], [8, 40.160643], [15, 6.726908], [20, 14.658635]]],
  ['schneider-marrow-bone-08', 'Schneider_Marrow_Bone08', 55, 1.4903, [[1, 5.633803], [6, 26.65996], [7, 3.62173], [8, 40.744467], [15, 7.344064], [20, 15.995976]]],
  ['schneider-marrow-bone-09', 'Schneider_Marrow_Bone09', 56, 1.5495, [[1, 5.231388], [6, 24.748491], [7, 3.722334], [8, 41.348089], [15, 7.847082], [20, 17.102616]]],
  ['schneider-marrow-bone-10', 'Schneider_Marrow_Bone10', 57, 1.6088, [[1, 4.929577], [6, 22.837022], [7, 3.822938], [8, 41.851107], [15, 8.350101], [20, 18.209256]]],
  ['schneider-marrow-bone-11', 'Schneider_Marrow_Bone11', 58, 1.668, [[1, 4.527163], [6, 21.126761], [7, 3.923541], [8, 42.253521], [15, 8.853119], [20, 19.315895]]],
  ['schneider-marrow-bone-12', 'Schneider_Marrow_Bone12', 59, 1.7272, [[1, 4.225352], [6, 19.517103], [7, 4.024145], [8, 42.756539], [15, 9.255533], [20, 20.221328]]],
  ['schneider-marrow-bone-13', 'Schneider_Marrow_Bone13', 60, 1.7865, [[1, 3.923541], [6, 18.008048], [7, 4.124748], [8, 43.158954], [15, 9.657948], [20, 21.126761]]],
  ['schneider-marrow-bone-14', 'Schneider_Marrow_Bone14', 61, 1.8457, [[1, 3.62173], [6, 16.599598], [7, 4.225352], [8, 43.460765], [15, 10.060362], [20, 22.032193]]],
  ['schneider-marrow-bone-15', 'Schneider_Marrow_Bone15', 62, 1.905, [[1, 3.420523], [6, 15.593561], [7, 4.225352], [8, 43.762575], [15, 10.362173], [20, 22.635815]]],
] as const);

export type SchneiderTissueId = (typeof SCHNEIDER_TISSUES)[number][0];

/** NIST's I-value of dry air (ESTAR/PSTAR composition data), eV: a gas, so no condensed-phase values. */
export const SCHNEIDER_AIR_EXCITATION_ENERGY_EV = 85.7;
