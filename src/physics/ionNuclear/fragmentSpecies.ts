/**
 * The particle species a beam's reactions can make, as ions the engine can transport (issue 11,
 * part 3): every particle-bound nuclide of the event generator's mass table (fragmentEvents.ts,
 * isParticleBound) with 1 <= Z <= Z_beam and 2 <= A <= A_beam, each an Ion with its AME2020 rest
 * mass (fragmentKinematics.ts), in this order: the beam, the proton (target protons knocked out,
 * and the proton fragments), then the rest by decreasing Z and A. So every charged product the
 * generator makes from the beam or its fragments is transported (fragments of fragments are
 * lighter); the kernels keep one table block per species and material
 * (src/engine/materialTables.ts). The rare neutron-rich ones (6He, 8He, 8Li, 10Be, 14C, ...) are
 * few per reaction but fast: deposited where the reaction happened, as before this list held
 * them, they raised the entrance dose of a 290 MeV/u carbon beam by about 3 %.
 */
import type { Ion } from '../ions.js';
import { getIon, ION_IDS } from '../ions.js';
import { isParticleBound } from './fragmentEvents.js';
import { nuclearMassMeV, TABULATED_NUCLIDES } from './fragmentKinematics.js';

/** Element symbols Z = 1..8 (fragments only go up to the beam's Z: oxygen). */
const SYMBOLS = ['', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O'] as const;

/** The beam ions stand for their own nuclides, so a fragment 12C of a carbon beam is the beam's species. */
const BEAM_IONS: readonly Ion[] = ION_IDS.map((id) => getIon(id));

/** The ion (Z, A): a beam ion where it is one, otherwise `<symbol>-<A>` with the AME2020 mass. */
export function nuclideIon(chargeNumber: number, massNumber: number): Ion {
  const beam = BEAM_IONS.find((i) => i.chargeNumber === chargeNumber && i.massNumber === massNumber);
  if (beam) return beam;
  const symbol = SYMBOLS[chargeNumber];
  if (symbol === undefined || chargeNumber < 1) throw new RangeError(`chargeNumber must be an integer 1..8 (got ${chargeNumber})`);
  const massMeV = nuclearMassMeV(chargeNumber, massNumber);
  return Object.freeze({ id: `${symbol}-${massNumber}`, name: `${symbol}-${massNumber}`, chargeNumber, massNumber, massMeV });
}

/** The species of a beam's fragmentation, beam first and proton second (file comment). */
export function fragmentSpecies(beam: Ion): readonly Ion[] {
  const proton = getIon('proton');
  const rest = TABULATED_NUCLIDES
    .filter(([z, a]) => z >= 1 && z <= beam.chargeNumber && a <= beam.massNumber && a > 1 && isParticleBound(z, a))
    .filter(([z, a]) => !(z === beam.chargeNumber && a === beam.massNumber))
    .slice().sort((p, q) => q[0] - p[0] || q[1] - p[1])
    .map(([z, a]) => nuclideIon(z, a));
  return Object.freeze(beam === proton ? [proton] : [beam, proton, ...rest]);
}
