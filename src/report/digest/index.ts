export * from './build.js';
export * from './render.js';
export { sendDigest } from './send.js';
