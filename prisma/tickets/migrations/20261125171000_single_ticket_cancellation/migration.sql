-- Single tickets can be cancelled: each ticket has a status, and a booking can have several
-- refunds (one per cancellation).

-- CreateEnum
CREATE TYPE "TicketState" AS ENUM ('ACTIVE', 'CANCELLED');

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "status" "TicketState" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN "cancelledAt" TIMESTAMP(3);

-- Tickets of bookings cancelled before this migration were cancelled with them.
UPDATE "Ticket" AS t SET "status" = 'CANCELLED', "cancelledAt" = b."updatedAt"
FROM "Booking" AS b
WHERE b."id" = t."bookingId" AND b."status" IN ('CANCELLED', 'REFUNDED');

-- DropIndex
DROP INDEX "Refund_bookingId_key";

-- CreateIndex
CREATE INDEX "Refund_bookingId_idx" ON "Refund"("bookingId");
