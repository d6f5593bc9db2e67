/**
 * The sources folded into rollups; each has a watermark row (rollup_watermarks.name) and a cache
 * generation of the same name. Plain data: the maintainer, its repositories and the cache keys of the
 * analytics answers all name sources from this one list.
 */
export const ROLLUP_SOURCES = ['events', 'findings', 'violations', 'user_risk', 'consents'] as const;
export type RollupSource = (typeof ROLLUP_SOURCES)[number];

export function isRollupSource(name: string): name is RollupSource {
  return (ROLLUP_SOURCES as readonly string[]).includes(name);
}
