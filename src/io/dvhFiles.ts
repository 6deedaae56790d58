/**
 * dvh.csv and dvh.svg of a run on structures (analysis/dvh.ts): the cumulative DVH of every ROI
 * on 201 dose levels from 0 to the grid's maximum, and their metrics for summary.json.
 */
import type { StructureSet } from './dicom/rtStruct.js';
import { cumulativeDvh, dvhMetrics, roiDoses, roiMask, type DoseGrid, type DvhMetrics } from '../analysis/dvh.js';
import { DataRange, legendLine, px } from './svgPlot.js';

const LEVELS = 201;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'] as const;

export interface DvhOutputs {
  readonly csv: string;
  readonly svg: string;
  /** Per ROI; vAtLevel is the fraction at 20 % of the grid's maximum dose or more. */
  readonly metrics: readonly DvhMetrics[];
}

export function dvhOutputs(dose: ArrayLike<number>, grid: DoseGrid, structures: StructureSet, doseUnit: string): DvhOutputs {
  let max = 0;
  for (let v = 0; v < dose.length; v++) if (dose[v]! > max) max = dose[v]!;
  const levels = Float64Array.from({ length: LEVELS }, (_, k) => (max * k) / (LEVELS - 1));
  const voxelCm3 = (grid.voxelSizeMm[0] * grid.voxelSizeMm[1] * grid.voxelSizeMm[2]) / 1000;
  const curves = structures.rois.map((roi) => {
    const doses = roiDoses(dose, roiMask(roi, grid));
    return { name: roi.name, metrics: dvhMetrics(roi.name, doses, voxelCm3, 0.2 * max), volume: cumulativeDvh(doses, levels) };
  });
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const csv = [
    [quote(`dose (${doseUnit})`), ...curves.map((c) => quote(`${c.name} (% volume)`))].join(','),
    ...[...levels].map((level, k) => [level.toExponential(6), ...curves.map((c) => (100 * c.volume[k]!).toFixed(4))].join(',')),
  ].join('\n') + '\n';
  const range = new DataRange();
  range.include(0, 100);
  range.includeX(max > 0 ? max : 1);
  const area = range.plotArea();
  const parts = [...area.open('Cumulative dose-volume histograms'), ...area.grid(), '<g clip-path="url(#plot-area)">'];
  curves.forEach((c, k) => {
    const points = [...levels].map((level, i) => `${px(area.sx(level))},${px(area.sy(100 * c.volume[i]!))}`);
    parts.push(`<polyline class="dvh-curve" points="${points.join(' ')}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="1.75"/>`);
  });
  parts.push('</g>', ...area.frame({ quantity: 'Dose', unit: doseUnit }, { quantity: 'Volume', unit: '%' }, 'Cumulative dose-volume histograms'), '<g class="legend">');
  curves.forEach((c, k) => parts.push(...legendLine(k, COLOURS[k % COLOURS.length]!, `${c.name}: Dmean ${c.metrics.meanDose.toPrecision(3)}, D95 ${c.metrics.d95.toPrecision(3)}`)));
  parts.push('</g>', '</svg>');
  return { csv, svg: parts.join('\n'), metrics: curves.map((c) => c.metrics) };
}
