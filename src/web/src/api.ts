import { PitwallClient } from '../../client/index.js';

/**
 * The one typed client of the API (shared with the CLI). Same origin: the server that serves
 * these pages answers the API, so no base URL, CORS or token (reads are anonymous or proxied).
 */
export const api = new PitwallClient({ baseUrl: '' });

export type Query = Record<string, string | number | null | undefined>;
