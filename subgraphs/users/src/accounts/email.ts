import { badInput, z } from '@railgraph/service-kit';

/** RFC 5321 caps a forward path at 256 octets, so an address at 254 characters. */
const MAX_EMAIL_LENGTH = 254;
const emailShape = z.email();

/** The form an address is stored and compared in: trimmed and lower-cased. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** The normalised address, or BAD_USER_INPUT when it is not one. */
export function checkEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (email.length > MAX_EMAIL_LENGTH || !emailShape.safeParse(email).success) {
    throw badInput('Enter a valid email address, e.g. name@example.com', { field: 'email' });
  }
  return email;
}
