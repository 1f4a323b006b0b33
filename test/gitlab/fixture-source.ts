import type { ServerData } from './model.js';

/** Placeholder until the recorded fixtures are mapped (see fixture tests). */
export function loadGitLabFixtures(): ServerData {
  return { projects: new Map() };
}
