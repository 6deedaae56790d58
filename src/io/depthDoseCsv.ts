/**
 * Laterally integrated depth-dose table as CSV.
 *
 * Output:
 *   # <units in words>
 *   depth_mm,dose_<unit slug>,uncertainty_<unit slug>[,dose_Z1_<unit slug>,...][,primary_fluence][,let_d_keV_per_um]
 *   <one row per depth bin>
 * Numbers use the shortest representation that round-trips to the same
 * double (JavaScript's `String(x)`); non-finite values are written as
 * `nan`, `inf`, `-inf`, which NumPy and pandas read back. Lines end in `\n`.
 */

export interface DepthDoseSeries {
  /** Depth of each bin centre along the beam axis, in mm. */
  readonly depthMm: Float64Array;
  /** Laterally integrated dose per bin, in `doseUnit`. */
  readonly dose: Float64Array;
  /** Absolute one-sigma statistical uncertainty of `dose`, in `doseUnit`. */
  readonly uncertainty: Float64Array;
  /** Unit of `dose` and `uncertainty`, e.g. 'Gy mm^2 per primary'. */
  readonly doseUnit: string;
  /**
   * Optional: LETd in water of each depth bin (keV/um), dose-weighted over the slice
   * (engine/letResults.ts); written as a fourth column let_d_keV_per_um when present.
   */
  readonly letDKeVPerUm?: Float64Array;
  /** Optional: fraction of the primaries reaching each bin's upstream plane (Monte Carlo), column primary_fluence. */
  readonly primaryFluence?: Float64Array;
  /** Optional: the dose of each charge Z = 1, 2, ... (the unit of `dose`), columns dose_Z1_<slug>, ... */
  readonly doseByCharge?: readonly Float64Array[];
}

/** Column-name form of a unit: 'Gy mm^2 per primary' -> 'Gy_mm2_per_primary'. */
export function doseUnitSlug(unit: string): string {
  const slug = unit
    .replace(/\^/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug === '' ? 'arbitrary_units' : slug;
}

/** Shortest round-tripping decimal form of `x`. */
function formatCsvNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** Throws a RangeError unless the three arrays of `series` have the same length. */
export function checkDepthDoseSeries(series: DepthDoseSeries): void {
  const n = series.depthMm.length;
  if (series.dose.length !== n || series.uncertainty.length !== n || (series.letDKeVPerUm && series.letDKeVPerUm.length !== n)
    || (series.primaryFluence && series.primaryFluence.length !== n) || series.doseByCharge?.some((d) => d.length !== n)) {
    throw new RangeError(
      `depth-dose series lengths differ: depthMm ${n}, dose ${series.dose.length}, uncertainty ${series.uncertainty.length}`,
    );
  }
}

export function depthDoseCsv(series: DepthDoseSeries): string {
  checkDepthDoseSeries(series);
  const unit = series.doseUnit.replace(/\s+/g, ' ').trim() || 'arbitrary units';
  const slug = doseUnitSlug(unit);
  const { depthMm, dose, uncertainty, letDKeVPerUm: letD, primaryFluence: fluence } = series;
  const byCharge = series.doseByCharge ?? [];
  const chargeNote = byCharge.length > 0 ? `; dose_Z<z>_${slug}: the dose of particles of charge z (a reaction's local deposits count for the particle that reacted)` : '';
  const chargeColumns = byCharge.map((_, z) => `,dose_Z${z + 1}_${slug}`).join('');
  const fluenceNote = fluence ? '; primary_fluence: fraction of the primaries that entered the phantom reaching the upstream plane of the depth bin' : '';
  const letNote = letD ? '; let_d_keV_per_um: dose-averaged LET in water of the depth slice in keV/um (0 where no dose)' : '';
  const lines: string[] = [
    `# depth_mm: depth along the beam axis in mm; dose_${slug}: laterally integrated dose in ${unit}; ` +
      `uncertainty_${slug}: absolute one-sigma statistical uncertainty of the dose in ${unit}${chargeNote}${fluenceNote}${letNote}`,
    `depth_mm,dose_${slug},uncertainty_${slug}${chargeColumns}${fluence ? ',primary_fluence' : ''}${letD ? ',let_d_keV_per_um' : ''}`,
  ];
  for (let i = 0; i < depthMm.length; i++) {
    lines.push(
      `${formatCsvNumber(depthMm[i] as number)},${formatCsvNumber(dose[i] as number)},${formatCsvNumber(uncertainty[i] as number)}`
        + byCharge.map((d) => `,${formatCsvNumber(d[i] as number)}`).join('')
        + (fluence ? `,${formatCsvNumber(fluence[i] as number)}` : '')
        + (letD ? `,${formatCsvNumber(letD[i] as number)}` : ''),
    );
  }
  return lines.join('\n') + '\n';
}
