import { getIon, getMaterial, stoppingPower, type IonId, type MaterialId } from '../../src/physics/index.js';

/**
 * Mean (CSDA) energy loss of a whole ion (MeV) over `lengthCm` of a material
 * at density `densityGPerCm3`: the integral of S(E) rho along the path,
 * dE/dx = -S(E) rho / A per nucleon, by classical fourth-order Runge-Kutta in
 * 200 steps, with the stopping powers of the kernel's tables (src/physics).
 */
export function csdaEnergyLossMeV(particle: IonId, materialId: MaterialId, energyMeVPerU: number,
  densityGPerCm3: number, lengthCm: number): number {
  const ion = getIon(particle);
  const material = getMaterial(materialId);
  const slope = (e: number) => (-stoppingPower(ion, material, e) * densityGPerCm3) / ion.massNumber;
  const steps = 200;
  const h = lengthCm / steps;
  let e = energyMeVPerU;
  for (let k = 0; k < steps; k++) {
    const k1 = slope(e);
    const k2 = slope(e + 0.5 * h * k1);
    const k3 = slope(e + 0.5 * h * k2);
    const k4 = slope(e + h * k3);
    e += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return (energyMeVPerU - e) * ion.massNumber;
}
