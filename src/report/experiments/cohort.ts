import { fnv1a } from '../../domain/fnv1a.js';
import type { CohortSpec, ControlSpec } from './types.js';

export const HASH_RULE =
  'a person is treated when FNV-1a-32("<experiment id>:<person>") / 2^32 < share: stable for the experiment, independent between experiments';

/** Where a person falls in [0, 1) for this experiment: the experiment id salts the hash. */
export const hashShare = (experimentId: string, person: string): number =>
  fnv1a(`${experimentId}:${person}`) / 2 ** 32;

export interface Row {
  team: string | null;
  person: string | null;
}

/** Which arm a fact row belongs to, or null (in neither: outside the control teams, no person). */
export function armOf(
  experimentId: string,
  cohort: CohortSpec,
  control: ControlSpec,
  r: Row,
): 'treatment' | 'control' | null {
  const treated =
    cohort.type === 'teams'
      ? r.team !== null && cohort.teams.includes(r.team)
      : r.person === null
        ? null
        : cohort.type === 'people'
          ? cohort.people.includes(r.person)
          : hashShare(experimentId, r.person) < cohort.share;
  if (treated === null) return null;
  if (treated) return 'treatment';
  if (control.type === 'teams') return r.team !== null && control.teams.includes(r.team) ? 'control' : null;
  return cohort.type === 'teams' && r.team === null ? null : 'control';
}

/** The people of a cohort of people, as the demo and tests know them (share: by the same hash). */
export function treatedPeople(experimentId: string, cohort: CohortSpec, people: readonly string[]): string[] {
  if (cohort.type === 'people') return people.filter((p) => cohort.people.includes(p));
  if (cohort.type === 'share') return people.filter((p) => hashShare(experimentId, p) < cohort.share);
  return [];
}
