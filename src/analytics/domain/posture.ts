/**
 * Compliance posture per framework: how much of the framework's violation burden is dealt with.
 *
 *   score = 100 × (1 − O / (O + R + 1))
 *
 *   O = Σ weight(severity) × violations open at the end of the window (opened − resolved, all time)
 *   R = Σ weight(severity) × violations resolved (or closed as false positives) within the window
 *   weights: low 1, medium 2, high 5, critical 10 — one open critical case weighs as much as ten low ones
 *
 * 100 means nothing is open; the score falls as open cases pile up and recovers as they are closed.
 * The `+ 1` keeps a framework with no violations at all at 100 (0 / 1) rather than undefined. The
 * components are returned with the score, so anyone can recompute it by hand.
 */
import { SEVERITIES, type Severity } from '../../common/domain/severity';

export { SEVERITIES, type Severity };

export const SEVERITY_WEIGHTS: Record<Severity, number> = { low: 1, medium: 2, high: 5, critical: 10 };

export const POSTURE_FORMULA =
  'score = 100 * (1 - O / (O + R + 1)); O = sum of weight * violations open at the end of the window, ' +
  'R = sum of weight * violations resolved within the window; weights low 1, medium 2, high 5, critical 10';

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { low: 0, medium: 0, high: 0, critical: 0 };
}

export interface FrameworkViolations {
  framework: string;
  /** open at the end of the window */
  open: SeverityCounts;
  /** resolved within the window */
  resolved: SeverityCounts;
  /** opened within the window (context; not part of the score) */
  opened: SeverityCounts;
}

export interface FrameworkPosture extends FrameworkViolations {
  score: number;
  openWeighted: number;
  resolvedWeighted: number;
}

export function weighted(counts: SeverityCounts): number {
  return SEVERITIES.reduce((sum, s) => sum + SEVERITY_WEIGHTS[s] * (counts[s] ?? 0), 0);
}

export function postureScore(openWeighted: number, resolvedWeighted: number): number {
  const open = Math.max(0, openWeighted);
  return round1(100 * (1 - open / (open + Math.max(0, resolvedWeighted) + 1)));
}

export function posture(input: FrameworkViolations): FrameworkPosture {
  const openWeighted = weighted(input.open);
  const resolvedWeighted = weighted(input.resolved);
  return { ...input, score: postureScore(openWeighted, resolvedWeighted), openWeighted, resolvedWeighted };
}

/** All frameworks together: the same formula over the summed weights. */
export function overallPosture(frameworks: FrameworkPosture[]): {
  score: number;
  openWeighted: number;
  resolvedWeighted: number;
} {
  const openWeighted = frameworks.reduce((sum, f) => sum + f.openWeighted, 0);
  const resolvedWeighted = frameworks.reduce((sum, f) => sum + f.resolvedWeighted, 0);
  return { score: postureScore(openWeighted, resolvedWeighted), openWeighted, resolvedWeighted };
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
