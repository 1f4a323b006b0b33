export { PitwallApiError, PitwallClient, type ClientOptions } from './client.js';
export type * from './types.js';
