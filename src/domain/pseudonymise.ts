import { createHmac } from 'node:crypto';

/**
 * A person's stable pseudonym: HMAC-SHA-256 of the identifier under a secret key, so the same
 * person gets the same pseudonym in every source that uses the same key (survey respondents,
 * feedback authors), and nobody without the key can recover or test a guess of the identifier.
 * Identifiers are compared trimmed and in lower case: `Ada@Example.com` and `ada@example.com`
 * are one person. 16 bytes of the MAC (a 128-bit space) keep collisions out of reach.
 */
export function pseudonymise(key: string, id: string): string {
  if (key.length === 0) throw new Error('pseudonymise: the key is empty');
  const mac = createHmac('sha256', key).update(id.trim().toLowerCase()).digest('hex');
  return `p_${mac.slice(0, 32)}`;
}

/** Whether a value already is a pseudonym (re-imports must not hash a pseudonym again). */
export function isPseudonym(value: string): boolean {
  return /^p_[0-9a-f]{32}$/.test(value);
}
