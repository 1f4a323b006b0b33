/**
 * Datadog assigns a dashboard's id and keeps `tags` for team names only, so Pitwall's stable id
 * rides in the description, on a line of its own: push, pull, list and diff find a dashboard by
 * it even after someone renamed the dashboard by hand.
 */
const MARKER = /^pitwall_id: ([a-z0-9][a-z0-9-]*)$/m;

export function withStableId(description: string, stableId: string): string {
  return `${description}\n\npitwall_id: ${stableId}`;
}

export function stableIdOf(description: string | null | undefined): string | null {
  return description ? (MARKER.exec(description)?.[1] ?? null) : null;
}
