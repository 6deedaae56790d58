/**
 * Beam particles: bare nuclei of 1H, 4He, 12C and 16O.
 *
 * Nuclear rest masses are derived from atomic masses (AME2020: M. Wang et al.,
 * Chinese Phys. C 45 (2021) 030003) by removing the electrons and adding back
 * their total binding energy (Lunney, Pearson & Thibault, Rev. Mod. Phys. 75
 * (2003) 1021, eq. A4). For the proton and the alpha particle this reproduces
 * the CODATA 2018 values 938.27208816 MeV and 3727.3794066 MeV to < 1 keV.
 */
import { BraggInputError } from '../errors.js';

/** Electron rest energy m_e c^2 in MeV (CODATA 2018, as quoted by the PDG). */
export const ELECTRON_MASS_MEV = 0.51099895;
/** Atomic mass unit u c^2 in MeV (CODATA 2018). */
export const ATOMIC_MASS_UNIT_MEV = 931.49410242;
/** Proton rest energy in MeV (CODATA 2018). */
export const PROTON_MASS_MEV = 938.27208816;

export type IonId = 'proton' | 'helium' | 'carbon' | 'oxygen';

export interface Ion {
  readonly id: string;
  readonly name: string;
  /** Charge number z of the bare nucleus. */
  readonly chargeNumber: number;
  /** Mass number A (energies per nucleon are total kinetic energy / A). */
  readonly massNumber: number;
  /** Rest mass of the bare nucleus, MeV/c^2. */
  readonly massMeV: number;
}

export const ION_IDS: readonly IonId[] = Object.freeze(['proton', 'helium', 'carbon', 'oxygen'] as const);

/**
 * Total electron binding energy of a neutral atom in MeV:
 * 14.4381 Z^2.39 + 1.55468e-6 Z^5.35 eV (Lunney et al. 2003, eq. A4).
 */
function electronBindingEnergyMeV(z: number): number {
  return (14.4381 * z ** 2.39 + 1.55468e-6 * z ** 5.35) * 1e-6;
}

/** Nuclear rest energy (MeV) from an atomic mass in u: M_atom c^2 - Z m_e c^2 + B_e(Z). */
function nuclearMassMeV(atomicMassU: number, z: number): number {
  return atomicMassU * ATOMIC_MASS_UNIT_MEV - z * ELECTRON_MASS_MEV + electronBindingEnergyMeV(z);
}

const IONS: Readonly<Record<IonId, Ion>> = Object.freeze({
  proton: Object.freeze({ id: 'proton', name: 'proton', chargeNumber: 1, massNumber: 1, massMeV: PROTON_MASS_MEV }),
  // 4He atomic mass 4.00260325413 u (AME2020).
  helium: Object.freeze({
    id: 'helium', name: 'helium-4', chargeNumber: 2, massNumber: 4, massMeV: nuclearMassMeV(4.00260325413, 2),
  }),
  // 12C atomic mass 12 u exactly (definition of u).
  carbon: Object.freeze({
    id: 'carbon', name: 'carbon-12', chargeNumber: 6, massNumber: 12, massMeV: nuclearMassMeV(12, 6),
  }),
  // 16O atomic mass 15.99491461957 u (AME2020).
  oxygen: Object.freeze({
    id: 'oxygen', name: 'oxygen-16', chargeNumber: 8, massNumber: 16, massMeV: nuclearMassMeV(15.99491461957, 8),
  }),
} satisfies Record<IonId, Ion>);

export function isIonId(id: string): id is IonId {
  return (ION_IDS as readonly string[]).includes(id);
}

/** The ion with this id; an unknown id is a user error. */
export function getIon(id: string): Ion {
  if (!isIonId(id)) {
    throw new BraggInputError(`unknown particle '${id}' (expected one of: ${ION_IDS.join(', ')})`);
  }
  return IONS[id];
}
