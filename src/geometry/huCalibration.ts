/**
 * CT numbers to transport media (issue 12, part 2): Hounsfield units to mass density and to a
 * material (elemental composition and I-value), the stoichiometric calibration of Schneider,
 * Bortfeld & Schlegel, Phys. Med. Biol. 45 (2000) 459. The default is the open-source MCsquare's
 * (UCLouvain, Apache-2.0; GitHub e0404/MCsquare commit 211eefe6, Scanners/default/
 * HU_Density_Conversion.txt and HU_Material_Conversion.txt): density linear in HU between
 * tabulated points and constant beyond the end points; 24 HU intervals, each one of the Schneider
 * tissues (src/physics/schneiderTissues.ts), a voxel taking the last interval whose lower bound is
 * below its HU (an HU on a bound takes the interval below, as in MCsquare; the first interval
 * below all bounds). Users supply their own in MCsquare's two files
 * or in one CSV (hu, density_g_per_cm3, material: the material above that HU up to the next row's;
 * an optional first line of column names).
 * A scanner's calibration must be measured on that scanner; this default is MCsquare's generic one.
 */
import { BraggInputError } from '../errors.js';
import { isMaterialId, type MaterialId } from '../physics/materials.js';
import { SCHNEIDER_TISSUES } from '../physics/schneiderTissues.js';

export interface HuCalibration {
  /** [HU, g/cm^3], HU strictly ascending: linear between, constant beyond the ends. */
  readonly densityPoints: readonly (readonly [number, number])[];
  /** Lower HU bounds, strictly ascending, and the material from each bound up. */
  readonly materialBins: readonly { readonly huMin: number; readonly material: MaterialId }[];
}

/** MCsquare's default (file comment). */
export const MCSQUARE_DEFAULT_CALIBRATION: HuCalibration = Object.freeze({
  densityPoints: Object.freeze([
    [-2000, 0.001], [-1000, 0.001], [-739, 0.28], [-628, 0.4], [-97, 0.942], [-52, 0.977], [0, 1.0], [14, 1.053],
    [70, 1.097], [213, 1.143], [220, 1.154], [588, 1.335], [1046, 1.56], [1565, 1.825], [5000, 1.825],
  ].map((p) => Object.freeze(p as [number, number]))),
  materialBins: Object.freeze([
    -1050, -950, -120, -82, -52, -22, 8, 19, 80, 120, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500,
  ].map((huMin, k) => Object.freeze({ huMin, material: SCHNEIDER_TISSUES[k]![0] as MaterialId }))),
});

/** Mass density (g/cm^3) at a CT number. */
export function densityAtHu(calibration: HuCalibration, hu: number): number {
  const p = calibration.densityPoints;
  if (hu <= p[0]![0]) return p[0]![1];
  for (let i = 1; i < p.length; i++) {
    const [h1, d1] = p[i]!;
    if (hu <= h1) {
      const [h0, d0] = p[i - 1]!;
      return d0 + ((d1 - d0) * (hu - h0)) / (h1 - h0);
    }
  }
  return p[p.length - 1]![1];
}

/** Index into materialBins of the bin a CT number falls in. */
export function materialBinAtHu(calibration: HuCalibration, hu: number): number {
  const bins = calibration.materialBins;
  let k = 0;
  // An HU on a bound takes the interval below it, as MCsquare's Binary_Search (src/compute_math.c) does.
  while (k + 1 < bins.length && bins[k + 1]!.huMin < hu) k++;
  return k;
}

export function materialAtHu(calibration: HuCalibration, hu: number): MaterialId {
  return calibration.materialBins[materialBinAtHu(calibration, hu)]!.material;
}

/** Throws a BraggInputError naming `source` unless the calibration is usable (ascending, positive, known materials). */
export function checkCalibration(calibration: HuCalibration, source: string): void {
  const p = calibration.densityPoints;
  if (p.length < 1) throw new BraggInputError(`${source}: the HU-density table is empty (at least one point is needed)`);
  p.forEach(([hu, density], i) => {
    if (!Number.isFinite(hu) || !(density > 0) || !Number.isFinite(density)) throw new BraggInputError(`${source}: HU-density point ${i + 1} (${hu}, ${density}) must be a finite HU and a density > 0 g/cm3`);
    if (i > 0 && !(hu > p[i - 1]![0])) throw new BraggInputError(`${source}: HU-density points must have strictly ascending HU (point ${i + 1}: ${hu} after ${p[i - 1]![0]})`);
  });
  const bins = calibration.materialBins;
  if (bins.length < 1) throw new BraggInputError(`${source}: the HU-material table is empty (at least one interval is needed)`);
  if (bins.length > 255) throw new BraggInputError(`${source}: ${bins.length} HU-material intervals, more than the 255 materials a phantom holds`);
  bins.forEach(({ huMin, material }, i) => {
    if (!Number.isFinite(huMin)) throw new BraggInputError(`${source}: HU-material interval ${i + 1} must start at a finite HU (got ${huMin})`);
    if (i > 0 && !(huMin > bins[i - 1]!.huMin)) throw new BraggInputError(`${source}: HU-material intervals must have strictly ascending HU (interval ${i + 1}: ${huMin} after ${bins[i - 1]!.huMin})`);
    if (!isMaterialId(material)) throw new BraggInputError(`${source}: HU-material interval ${i + 1} names unknown material '${material}'`);
  });
}

/** The numeric columns of a whitespace-separated table with `#` comments; one BraggInputError per bad line. */
function rows(text: string, source: string, columns: number): { line: number; values: string[] }[] {
  const out: { line: number; values: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '').trim();
    if (body === '') return;
    const values = body.split(/[\s,]+/);
    if (values.length < columns) throw new BraggInputError(`${source} line ${i + 1}: expected ${columns} columns (got '${raw.trim()}')`);
    out.push({ line: i + 1, values });
  });
  return out;
}

function numberAt(value: string, source: string, line: number, what: string): number {
  const x = Number(value);
  if (value === '' || !Number.isFinite(x)) throw new BraggInputError(`${source} line ${line}: ${what} must be a number (got '${value}')`);
  return x;
}

/** MCsquare's HU_Density_Conversion.txt: lines "HU density". */
export function parseMcsquareHuDensity(text: string, source = 'HU_Density_Conversion.txt'): HuCalibration['densityPoints'] {
  return rows(text, source, 2).map(({ line, values }) => [numberAt(values[0]!, source, line, 'HU'), numberAt(values[1]!, source, line, 'density')] as const);
}

/** MCsquare material labels (Materials/list.dat) of the Schneider tissues, 39 ... 62. */
const MCSQUARE_LABELS = new Map<number, MaterialId>(SCHNEIDER_TISSUES.map((t) => [t[2], t[0] as MaterialId]));

/** MCsquare's HU_Material_Conversion.txt: lines "HU label" with MCsquare's labels of the Schneider tissues. */
export function parseMcsquareHuMaterial(text: string, source = 'HU_Material_Conversion.txt'): HuCalibration['materialBins'] {
  return rows(text, source, 2).map(({ line, values }) => {
    const label = numberAt(values[1]!, source, line, 'material label');
    const material = MCSQUARE_LABELS.get(label);
    if (material === undefined) {
      throw new BraggInputError(`${source} line ${line}: material label ${label} is not one of MCsquare's Schneider tissues (39-62) that bragg-engine knows`);
    }
    return { huMin: numberAt(values[0]!, source, line, 'HU'), material };
  });
}

/** Both MCsquare files as one checked calibration. */
export function mcsquareCalibration(densityText: string, materialText: string): HuCalibration {
  const calibration = { densityPoints: parseMcsquareHuDensity(densityText), materialBins: parseMcsquareHuMaterial(materialText) };
  checkCalibration(calibration, 'MCsquare CT calibration');
  return calibration;
}

/** A CSV "hu,density_g_per_cm3,material" (header optional): density points and the material from each row's HU up. */
export function parseCalibrationCsv(text: string, source = 'calibration CSV'): HuCalibration {
  const table = rows(text, source, 3).filter(({ values }, k) => !(k === 0 && values[0]!.toLowerCase() === 'hu'));
  const calibration: HuCalibration = {
    densityPoints: table.map(({ line, values }) => [numberAt(values[0]!, source, line, 'hu'), numberAt(values[1]!, source, line, 'density_g_per_cm3')] as const),
    materialBins: table.map(({ line, values }) => {
      if (!isMaterialId(values[2]!)) throw new BraggInputError(`${source} line ${line}: unknown material '${values[2]}' (a built-in material id, e.g. water or schneider-soft-tissue)`);
      return { huMin: numberAt(values[0]!, source, line, 'hu'), material: values[2] };
    }),
  };
  checkCalibration(calibration, source);
  return calibration;
}

/** The transport media of a CT: the materials used (in order of first use), each voxel's slot in them and its density. */
export interface CalibratedCt {
  readonly materials: readonly MaterialId[];
  readonly materialIndex: Uint8Array;
  readonly densityGPerCm3: Float32Array;
}

export function calibrateCt(hu: ArrayLike<number>, calibration: HuCalibration): CalibratedCt {
  // One slot per distinct material (two intervals may share one).
  const slotOfMaterial = new Map<MaterialId, number>();
  const slots = Int16Array.from(calibration.materialBins, () => -1);
  const materials: MaterialId[] = [];
  const materialIndex = new Uint8Array(hu.length);
  const densityGPerCm3 = new Float32Array(hu.length);
  for (let v = 0; v < hu.length; v++) {
    const h = hu[v]!;
    if (!Number.isFinite(h)) throw new BraggInputError(`CT voxel ${v} has no finite CT number (got ${h})`);
    const bin = materialBinAtHu(calibration, h);
    if (slots[bin]! < 0) {
      const material = calibration.materialBins[bin]!.material;
      let slot = slotOfMaterial.get(material);
      if (slot === undefined) { slot = materials.push(material) - 1; slotOfMaterial.set(material, slot); }
      slots[bin] = slot;
    }
    materialIndex[v] = slots[bin]!;
    densityGPerCm3[v] = densityAtHu(calibration, h);
  }
  return { materials, materialIndex, densityGPerCm3 };
}
