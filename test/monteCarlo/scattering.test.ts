import { describe, expect, it } from 'vitest';
import { simulate, getIon, getMaterial } from '../../src/index.js';
import { buildRangeTable } from '../../src/physics/index.js';
import { interpolateLog } from '../../src/engine/materialTables.js';

const water = getMaterial('water');
const proton = getIon('proton');

/**
 * Fermi-Eyges lateral spread (Eyges, Phys. Rev. 74 (1948) 1534) of a pencil
 * beam with the engine's scattering power: theta0^2(z) from Highland's
 * formula in its cumulative form (Gottschalk et al., NIM B74 (1993) 467)
 * along the straight CSDA path; then sigma_x^2(z) = int_0^z (z - z')^2 T(z') dz'
 * = int_0^z 2 (z - z') theta0^2(z') dz' (integrating by parts, T = d theta0^2/dz).
 */
function fermiEygesSigmaMm(energyMeV: number, depthMm: number): number {
  const table = buildRangeTable(proton, water);
  const range0 = interpolateLog(table.csdaRangeGPerCm2, table.logEnergyMin, table.logEnergyStep, energyMeV);
  const nucleonMass = proton.massMeV / proton.massNumber;
  const steps = 4000;
  const dz = depthMm / steps;
  let integral = 0; // int rho dz / (X0 pv^2)
  let sigma2 = 0;
  for (let k = 0; k < steps; k++) {
    const zMid = (k + 0.5) * dz;
    const residual = range0 - (water.densityGPerCm3 * zMid) / 10;
    const e = interpolateLog(table.energyAtRangeMeVPerU, table.logRangeMin, table.logRangeStep, residual);
    const pv = (proton.massNumber * e * (e + 2 * nucleonMass)) / (e + nucleonMass);
    integral += (water.densityGPerCm3 * dz) / 10 / (water.radiationLengthGPerCm2 * pv * pv);
    const radiationLengths = (water.densityGPerCm3 * (k + 1) * dz) / 10 / water.radiationLengthGPerCm2;
    const theta2 = 14.1 ** 2 * integral * (1 + Math.log10(radiationLengths) / 9) ** 2;
    sigma2 += 2 * (depthMm - (k + 1) * dz) * theta2 * dz;
  }
  return Math.sqrt(sigma2);
}

async function lateralSpreadAndR80(maxStepMm: number, maxEnergyLossFraction: number) {
  const result = await simulate({
    beam: { energyMeVPerU: 150, spotSigmaMm: 0 },
    phantom: { sizeMm: [60, 60, 200], voxelSizeMm: [2, 2, 1] },
    transport: { histories: 20_000, seed: 99, maxStepMm, maxEnergyLossFraction, nuclear: false },  // Coulomb scattering alone
    scoring: { lateralProbeDepthMm: 79 },
  });
  const probe = result.lateralProbe!;
  return { sigmaMm: Math.sqrt((probe.sigmaXMm ** 2 + probe.sigmaYMm ** 2) / 2), r80Mm: result.summary.r80Mm!, probe };
}

describe('multiple Coulomb scattering', () => {
  it('lateral sigma at mid-range (79 mm) of a 150 MeV pencil beam is within 5% of Fermi-Eyges theory', async () => {
    const { sigmaMm, probe } = await lateralSpreadAndR80(5, 0.2);
    const theory = fermiEygesSigmaMm(150, 79);
    expect(probe.particlesPerPrimary).toBeGreaterThan(0.99);
    expect(Math.abs(sigmaMm / theory - 1)).toBeLessThan(0.05);
  });

  it('does not depend on the step size: halving every step limit moves sigma by < 2% and R80 by < 0.1 mm', async () => {
    // Step limits that bind everywhere (below the 1 mm voxel depth), then halved.
    const coarse = await lateralSpreadAndR80(0.8, 0.2);
    const fine = await lateralSpreadAndR80(0.4, 0.1);
    expect(Math.abs(fine.sigmaMm / coarse.sigmaMm - 1)).toBeLessThan(0.02);
    expect(Math.abs(fine.r80Mm - coarse.r80Mm)).toBeLessThan(0.1);
  });
});
