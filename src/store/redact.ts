/**
 * What of a database URL may be shown (banners, errors): the URL without its secrets, and the
 * secrets themselves, so a message from elsewhere (the driver) can be scrubbed of them too.
 */

/** Query parameters that hold a secret or point at one (libpq's password, sslpassword, sslkey, ...). */
const SECRET_PARAM = /pass|secret|key|token/i;
const HIDDEN = '***';

interface Parsed {
  shown: string;
  secrets: string[];
}

/**
 * Parsed with the WHATWG URL parser, as the driver does: an unencoded `@` in the password is
 * part of it (the last `@` before the host ends the user info), and percent-encoding is undone
 * for the secrets so both spellings are scrubbed.
 */
function parse(url: string): Parsed {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL we can take apart: show nothing of it, and treat all of it as secret.
    return { shown: '(an unparseable database URL)', secrets: [url] };
  }
  const secrets: string[] = [];
  const keep = (raw: string) => {
    if (!raw) return;
    secrets.push(raw);
    try {
      secrets.push(decodeURIComponent(raw));
    } catch {
      // a malformed escape: the raw spelling is what would be printed
    }
  };
  if (u.password) {
    keep(u.password);
    u.password = HIDDEN;
  }
  for (const [name, value] of [...u.searchParams]) {
    if (!SECRET_PARAM.test(name)) continue;
    if (value) secrets.push(value, encodeURIComponent(value));
    u.searchParams.set(name, HIDDEN);
  }
  // URLSearchParams encodes `***` as `%2A%2A%2A`: keep the banner readable.
  return { shown: u.toString().replaceAll('%2A%2A%2A', HIDDEN), secrets: [...new Set(secrets)] };
}

/** The URL with its password and secret parameters replaced by `***`. */
export function redactDatabaseUrl(url: string): string {
  return parse(url).shown;
}

/** `text` with every secret of `url` (in any spelling the URL gave it) replaced by `***`. */
export function scrubDatabaseSecrets(text: string, url: string): string {
  let out = text;
  // Longest first: a secret that contains another is replaced whole.
  for (const s of parse(url).secrets.sort((a, b) => b.length - a.length)) out = out.replaceAll(s, HIDDEN);
  return out;
}
