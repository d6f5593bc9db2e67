/**
 * Drift of a factor's distribution: the population stability index between the training rows (the
 * reference, kept with the model as bins) and the rows seen since.
 *
 *   PSI = Σ_bins (actual% − expected%) · ln(actual% / expected%)
 *
 * Customary reading: below 0.1 stable, 0.1–0.25 moving, above 0.25 shifted enough to retrain. Bins are the
 * reference deciles; behavioural counts are mostly zero, so equal deciles collapse into one edge and a
 * factor gets fewer, unequal bins — which is what keeps an empty-ish bin from dominating. Proportions are
 * floored at 1e-4 so that a bin empty on one side gives a large but finite term.
 */
export interface ReferenceBins {
  /** Upper edges of all bins but the last (value ≤ edge[i] falls in bin i; above the last edge, the last bin). */
  edges: number[];
  proportions: number[];
}

const PROPORTION_FLOOR = 1e-4;

export function referenceBins(values: ArrayLike<number>, binCount = 10): ReferenceBins {
  if (values.length === 0) throw new RangeError('reference bins need at least one value');
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let q = 1; q < binCount; q++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / binCount))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // The last edge must leave something above it, or the last bin is empty by construction.
  if (edges.length > 0 && edges[edges.length - 1] >= sorted[sorted.length - 1]) edges.pop();
  return { edges, proportions: proportionsIn(values, edges) };
}

export function proportionsIn(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(values[i], edges)]++;
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

export function populationStabilityIndex(reference: ReferenceBins, values: ArrayLike<number>): number {
  const actual = proportionsIn(values, reference.edges);
  let psi = 0;
  for (let bin = 0; bin < actual.length; bin++) {
    const a = Math.max(actual[bin], PROPORTION_FLOOR);
    const e = Math.max(reference.proportions[bin] ?? 0, PROPORTION_FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

export function driftLevel(psi: number): 'stable' | 'moving' | 'shifted' {
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'moving' : 'shifted';
}

function binOf(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]) high = middle;
    else low = middle + 1;
  }
  return low;
}
