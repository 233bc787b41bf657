import { randomBytes } from 'node:crypto';
import { badInput } from '@railgraph/service-kit';
import type { ClientKind, PrismaClient } from '../__generated__/prisma/client.js';
import { hashPassword, verifyPassword } from '../accounts/password.js';
import { KNOWN_SCOPES } from './scopes.js';

/** An OAuth client as the rest of the service sees it: never with its secret hash. */
export interface OAuthClient {
  id: string;
  name: string;
  kind: ClientKind;
  scopes: string[];
}

export interface CreatedClient extends OAuthClient {
  /** Shown once, at creation; only its hash is kept. */
  secret: string;
}

export interface ServiceClientSpec {
  id: string;
  name: string;
  secret: string;
  scopes: string[];
}

export interface Clients {
  /** A new partner client with a generated id and secret; BAD_USER_INPUT for a bad name or an unknown scope. */
  createPartner(details: { name: string; scopes: string[] }): Promise<CreatedClient>;
  /** Creates or updates one of our own services' clients with the secret it was started with. */
  upsertService(spec: ServiceClientSpec): Promise<OAuthClient>;
  /** The client these credentials open, or null for an unknown, revoked or wrong one alike. */
  authenticate(clientId: string, secret: string): Promise<OAuthClient | null>;
}

const SECRET_BYTES = 32;
const NAME_MAX_LENGTH = 100;
/** A client id as the token endpoint accepts it: short, URL-safe. */
export const clientIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const clientFields = { id: true, name: true, kind: true, scopes: true } as const;

function checkScopes(scopes: string[]): string[] {
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
  if (unknown.length > 0) throw badInput(`Unknown scope ${unknown.join(', ')}`, { field: 'scopes' });
  if (scopes.length === 0) throw badInput('Grant at least one scope', { field: 'scopes' });
  return [...new Set(scopes)];
}

/** `Acme Travel` becomes `acme-travel-3f9a1c`: readable in logs, unique by its random tail. */
function partnerIdFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'partner'}-${randomBytes(3).toString('hex')}`;
}

export function createClients(prisma: PrismaClient): Clients {
  // Checked against for an unknown client id, so that answer takes as long as a wrong secret.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hashPassword(randomBytes(SECRET_BYTES).toString('base64url')));

  return {
    async createPartner(details) {
      const name = details.name.trim();
      if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
        throw badInput(`A client name is 1 to ${NAME_MAX_LENGTH} characters`, { field: 'name' });
      }
      const scopes = checkScopes(details.scopes);
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      const client = await prisma.oAuthClient.create({
        data: { id: partnerIdFor(name), name, kind: 'PARTNER', scopes, secretHash: await hashPassword(secret) },
        select: clientFields,
      });
      return { ...client, secret };
    },

    async upsertService(spec) {
      const scopes = checkScopes(spec.scopes);
      const secretHash = await hashPassword(spec.secret);
      return prisma.oAuthClient.upsert({
        where: { id: spec.id },
        create: { id: spec.id, name: spec.name, kind: 'SERVICE', scopes, secretHash },
        update: { name: spec.name, kind: 'SERVICE', scopes, secretHash, revokedAt: null },
        select: clientFields,
      });
    },

    async authenticate(clientId, secret) {
      const stored = clientIdPattern.test(clientId)
        ? await prisma.oAuthClient.findUnique({ where: { id: clientId } })
        : null;
      const matches = await verifyPassword(stored?.secretHash ?? (await decoy()), secret);
      if (!stored || !matches || stored.revokedAt) return null;
      return { id: stored.id, name: stored.name, kind: stored.kind, scopes: stored.scopes };
    },
  };
}
