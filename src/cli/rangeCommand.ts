import { getIon, getMaterial, stoppingPower, csdaRange } from '../physics/index.js';
import { parseNumberOption } from './numbers.js';

interface RangeOptions { particle: string; energy: string; material: string; json?: boolean }

export function rangeCommand(options: RangeOptions): void {
  const ion = getIon(options.particle);
  const material = getMaterial(options.material);
  const energyMeVPerU = parseNumberOption('--energy', options.energy)!;
  const stoppingPowerMeVCm2PerG = stoppingPower(ion, material, energyMeVPerU);
  const csdaRangeGPerCm2 = csdaRange(ion, material, energyMeVPerU);
  const csdaRangeMm = (csdaRangeGPerCm2 / material.densityGPerCm3) * 10;
  if (options.json) {
    process.stdout.write(JSON.stringify({
      particle: ion.id, energyMeVPerU, material: material.id, densityGPerCm3: material.densityGPerCm3,
      meanExcitationEnergyEV: material.meanExcitationEnergyEV, stoppingPowerMeVCm2PerG, csdaRangeGPerCm2, csdaRangeMm,
    }) + '\n');
    return;
  }
  process.stdout.write(
    `${ion.name} at ${energyMeVPerU} MeV/u in ${material.name} (I = ${material.meanExcitationEnergyEV} eV)\n` +
    `  electronic stopping power  ${stoppingPowerMeVCm2PerG.toPrecision(5)} MeV cm2/g\n` +
    `  CSDA range                 ${csdaRangeGPerCm2.toPrecision(5)} g/cm2 (${csdaRangeMm.toPrecision(5)} mm)\n`);
}
