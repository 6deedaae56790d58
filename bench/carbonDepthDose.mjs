// Issue 11's carbon depth-dose figures in water beside matRad's generic carbon base data
// (carbon_Generic.mat, e0404/matRad commit c014dc82; figures as defined in
// test/monteCarlo/matradCarbon.test.ts): peak/entrance, dose 20 mm beyond the peak (% of the peak),
// share of the integrated depth-dose beyond peak + 5 mm (to the data set's grid extent beyond its
// peak), the distal fall-off R80 - R20 that the energy spread is fitted to, the absolute entrance
// and peak-region energy per primary (MeV cm^2/g and MeV), and the tail 20 mm beyond the peak by
// fragment charge.
//   node bench/carbonDepthDose.mjs [--histories 20000] [--threads 2]
//   node bench/carbonDepthDose.mjs --fit 200.61 --spreads 1.0,1.1,1.2   (scan the energy spread)
import { simulate } from '../dist/src/index.js';

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const histories = Number(arg('histories', 20000)), threads = Number(arg('threads', 2));
const BIN_MM = 0.2;
const MEV_CM2_PER_G_PER_GY_MM2 = 1 / 1.602176634e-8; // 1 MeV cm^2/g = 1.602e-8 Gy mm^2

// matRad carbon_Generic: Z(0), peak/entrance, +20 mm, share > 5 mm, grid extent beyond its peak,
// R80 - R20, energy (MeV/primary) in [peak - 10, peak + 5] mm; our fitted Gaussian energy spread.
const DATA = {
  200.61: { z0: 161.34, pe: 4.7658, t20: 3.325, b5: 7.056, beyondMm: 99.343, fallMm: 1.315, peakMeV: 567.4, spread: 1.15, depthMm: 200 },
  290.82: { z0: 126.46, pe: 4.3201, t20: 6.911, b5: 12.151, beyondMm: 192.785, fallMm: 1.570, peakMeV: 434.5, spread: 0.97, depthMm: 370 },
  398.84: { z0: 106.01, pe: 3.1098, t20: 13.14, b5: 17.86, beyondMm: 328.164, fallMm: 2.240, peakMeV: 296.0, spread: 0.88, depthMm: 610 },
};

async function figures(energy, spread) {
  const ref = DATA[energy];
  const r = await simulate({
    beam: { particle: 'carbon', energyMeVPerU: Number(energy), spotSigmaMm: 4, energySpreadMeVPerU: spread },
    phantom: { sizeMm: [400, 400, ref.depthMm], voxelSizeMm: [400, 400, BIN_MM] },
    transport: { histories, nuclear: true }, scoring: { let: false, doseByCharge: true },
  }, { threads });
  // Laterally integrated depth-dose, Gy mm^2 per primary -> MeV cm^2/g per primary.
  const d = Array.from(r.depthDose.dose, (x) => x * MEV_CM2_PER_G_PER_GY_MM2);
  const depth = (i) => (i + 0.5) * BIN_MM;
  const mean3 = (i) => (d[i - 1] + d[i] + d[i + 1]) / 3;
  let ip = 1;
  for (let i = 2; i < d.length - 1; i++) if (mean3(i) > mean3(ip)) ip = i;
  const peak = mean3(ip), zp = depth(ip);
  const around = (mm) => { let s = 0, k = 0; for (let i = 0; i < d.length; i++) if (Math.abs(depth(i) - mm) <= 1) { s += d[i]; k++; } return s / k; };
  let total = 0, beyond = 0, peakMeV = 0;
  for (let i = 0; i < d.length; i++) {
    if (depth(i) <= zp + ref.beyondMm) { total += d[i]; if (depth(i) > zp + 5) beyond += d[i]; }
    if (depth(i) >= zp - 10 && depth(i) < zp + 5) peakMeV += (d[i] * BIN_MM) / 10;
  }
  const distal = (level) => { for (let i = ip; i < d.length - 1; i++) if (d[i + 1] < level * peak) return depth(i) + (BIN_MM * (d[i] - level * peak)) / (d[i] - d[i + 1]); return NaN; };
  const iz20 = Math.round((zp + 20) / BIN_MM - 0.5);
  const byZ = r.depthDose.doseByCharge.map((z) => ((100 * z[iz20] * MEV_CM2_PER_G_PER_GY_MM2) / peak).toFixed(2)).join(' ');
  return {
    peakMm: zp, z0: d[0], pe: peak / d[0], t20: (100 * around(zp + 20)) / peak, b5: (100 * beyond) / total,
    fallMm: distal(0.2) - distal(0.8), peakMeV, survival: r.summary.primarySurvival.filter((p) => p.depthMm <= zp).at(-1), byZ,
  };
}

const f = (x, n = 2) => x.toFixed(n);
if (arg('fit', null)) {
  const energy = arg('fit');
  for (const spread of arg('spreads', '0.8,1.0,1.2').split(',').map(Number)) {
    const o = await figures(energy, spread);
    console.log(`${energy} MeV/u spread ${spread}: R80-R20 ${f(o.fallMm)} mm (data ${DATA[energy].fallMm}), peak/entrance ${f(o.pe)}`);
  }
} else {
  console.log(`carbon in water, ${histories} histories, ${BIN_MM} mm depth bins, energy spread fitted to the data's R80 - R20 (matRad generic in brackets)`);
  console.log('| MeV/u | spread MeV/u | R80-R20 mm | peak/entrance | +20 mm % | > 5 mm % | Z(0) MeV cm2/g | MeV in peak-10..+5 mm | survival | +20 mm by Z=1..6 % |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const energy of Object.keys(DATA)) {
    const ref = DATA[energy];
    const o = await figures(energy, ref.spread);
    console.log(`| ${energy} | ${ref.spread} | ${f(o.fallMm)} (${ref.fallMm}) | ${f(o.pe)} (${ref.pe}) | ${f(o.t20)} (${ref.t20}) | ${f(o.b5)} (${ref.b5}) `
      + `| ${f(o.z0, 1)} (${ref.z0}) | ${f(o.peakMeV, 0)} (${ref.peakMeV}) | ${f(o.survival.fraction, 3)} at ${o.survival.depthMm} mm | ${o.byZ} |`);
  }
}
