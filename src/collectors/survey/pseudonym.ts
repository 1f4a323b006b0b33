import { createHmac } from 'node:crypto';

/**
 * A respondent's stable pseudonym: HMAC-SHA-256 of the identifier under the secret key, so the
 * same person gets the same pseudonym in every pulse (trends per team stay possible) while
 * nobody without the key can recover the identifier or test a guess of it. Identifiers compare
 * trimmed and in lower case (`Ada@Example.com` is `ada@example.com`); 16 bytes of the MAC keep
 * collisions out of reach. Feedback uses the same construction, so one key matches a person.
 */
export function respondentPseudonym(key: string, id: string): string {
  const mac = createHmac('sha256', key).update(id.trim().toLowerCase()).digest('hex');
  return `p_${mac.slice(0, 32)}`;
}
