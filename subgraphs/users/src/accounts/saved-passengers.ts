import { badInput, notFound } from '@railgraph/service-kit';
import type { PassengerType, PrismaClient } from '../__generated__/prisma/client.js';
import { checkName } from './name.js';

/** Someone a traveller often books for. */
export interface SavedPassenger {
  id: string;
  name: string;
  type: PassengerType;
}

export interface SavedPassengers {
  /** The traveller's saved passengers, oldest first. */
  of(userId: string): Promise<SavedPassenger[]>;
  /** BAD_USER_INPUT for a bad name or when the profile already holds the most it may. */
  add(userId: string, details: { name: string; type: PassengerType }): Promise<SavedPassenger>;
  /** NOT_FOUND unless the passenger is on this traveller's profile. */
  remove(userId: string, id: string): Promise<void>;
}

export const MAX_SAVED_PASSENGERS = 20;
const fields = { id: true, name: true, type: true } as const;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createSavedPassengers(prisma: PrismaClient): SavedPassengers {
  return {
    of: (userId) =>
      prisma.savedPassenger.findMany({
        where: { userId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: fields,
      }),

    async add(userId, details) {
      const name = checkName(details.name);
      if ((await prisma.savedPassenger.count({ where: { userId } })) >= MAX_SAVED_PASSENGERS) {
        throw badInput(`A profile holds at most ${MAX_SAVED_PASSENGERS} saved passengers; remove one first`);
      }
      return prisma.savedPassenger.create({ data: { userId, name, type: details.type }, select: fields });
    },

    async remove(userId, id) {
      const removed = uuidPattern.test(id)
        ? await prisma.savedPassenger.deleteMany({ where: { id, userId } })
        : { count: 0 };
      if (removed.count === 0) throw notFound('Saved passenger', id);
    },
  };
}
