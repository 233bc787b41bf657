import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { unauthenticated } from '@railgraph/service-kit';
import type { Prisma, PrismaClient } from '../__generated__/prisma/client.js';

/**
 * Opaque, single-use refresh tokens in families (one family per sign-in). Only a sha256
 * of each token is stored. Exchanging a token spends it and adds its successor to the
 * family; presenting a spent token means it was copied, so the whole family is revoked
 * and both the thief and the traveller must sign in again.
 */
export interface RefreshTokens {
  /** Starts a family for a new sign-in and returns its first token. */
  startFamily(userId: string, now: Date): Promise<string>;
  /** Spends the token and returns its successor; UNAUTHENTICATED if it is unknown, expired, spent or revoked. */
  rotate(token: string, now: Date): Promise<{ userId: string; refreshToken: string }>;
  /** Revokes the family the token belongs to; nothing happens for an unknown token. */
  revokeFamily(token: string, now: Date): Promise<void>;
}

export interface RefreshTokenEvents {
  /** A spent token came back: its family has been revoked. */
  replayed(details: { familyId: string; userId: string }): void;
}

const TOKEN_BYTES = 32;
// base64url of 32 bytes, unpadded.
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

const invalid = () => unauthenticated('The refresh token is not valid; sign in again');
const expired = () => unauthenticated('The refresh token has expired; sign in again');

type Rotation =
  { outcome: 'rotated'; userId: string; refreshToken: string } | { outcome: 'invalid' | 'expired' | 'replayed' };

export function createRefreshTokens(prisma: PrismaClient, ttlDays: number, events: RefreshTokenEvents): RefreshTokens {
  const issue = async (tx: Prisma.TransactionClient | PrismaClient, familyId: string, userId: string, now: Date) => {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await tx.refreshToken.create({
      data: {
        familyId,
        userId,
        tokenHash: hashRefreshToken(token),
        expiresAt: new Date(now.getTime() + ttlDays * DAY_MS),
        createdAt: now,
      },
    });
    return token;
  };

  return {
    startFamily: (userId, now) => issue(prisma, randomUUID(), userId, now),

    async rotate(token, now) {
      if (!tokenPattern.test(token)) throw invalid();
      const result = await prisma.$transaction(async (tx): Promise<Rotation> => {
        const stored = await tx.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(token) } });
        if (!stored || stored.revokedAt) return { outcome: 'invalid' };
        if (stored.expiresAt <= now) return { outcome: 'expired' };
        // The claim is one conditional UPDATE: of two concurrent exchanges, the second waits
        // for the first's row lock, then finds the token spent and counts as a replay.
        const claim = await tx.refreshToken.updateMany({
          where: { id: stored.id, usedAt: null, revokedAt: null },
          data: { usedAt: now },
        });
        if (claim.count === 0) {
          await tx.refreshToken.updateMany({
            where: { familyId: stored.familyId, revokedAt: null },
            data: { revokedAt: now },
          });
          events.replayed({ familyId: stored.familyId, userId: stored.userId });
          return { outcome: 'replayed' };
        }
        return {
          outcome: 'rotated',
          userId: stored.userId,
          refreshToken: await issue(tx, stored.familyId, stored.userId, now),
        };
      });
      // Thrown after the transaction, so the revocation of a replayed family is committed.
      if (result.outcome === 'rotated') return { userId: result.userId, refreshToken: result.refreshToken };
      throw result.outcome === 'expired' ? expired() : invalid();
    },

    async revokeFamily(token, now) {
      if (!tokenPattern.test(token)) return;
      const stored = await prisma.refreshToken.findUnique({
        where: { tokenHash: hashRefreshToken(token) },
        select: { familyId: true },
      });
      if (!stored) return;
      await prisma.refreshToken.updateMany({
        where: { familyId: stored.familyId, revokedAt: null },
        data: { revokedAt: now },
      });
    },
  };
}
