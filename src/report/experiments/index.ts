/** Experiments: designed cohorts against a control, results per metric, a recommendation. */
export { analyzeExperiment, resultKindOf } from './analyze.js';
export { armOf, hashShare, treatedPeople, HASH_RULE } from './cohort.js';
export { experimentsSection, experimentsSettings, type ExperimentsConfig } from './config.js';
export { designExperiment, endExperiment, slug, type ExperimentDesign } from './design.js';
export { cohortText, experimentRecord, findExperiment, getExperiment, listExperiments } from './records.js';
export { ACTION_TEXT, experimentText } from './text.js';
export type * from './types.js';
