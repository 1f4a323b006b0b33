/** Impact analysis: a registry metric's events before and after a dated change (docs/impact.md). */
export { impactAnalysis, DEFAULTS, NO_GROUP, type ImpactRequest } from './analyze.js';
export { annotationRecord, findAnnotation, listAnnotations, type AnnotationInput } from './annotations.js';
export { metricOf } from './kind.js';
export { impactMarkdown } from './markdown.js';
export { impactTable } from './table.js';
export type * from './types.js';
export { DEFAULT_WINDOW_DAYS, parseRange, windowOf } from './windows.js';
