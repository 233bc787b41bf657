-- Trips with changes (docs/design.md §4): a booking's first leg stays on "Booking" (runId,
-- stops, holdId, heldSeats), so direct bookings are as they were; each further leg is a
-- "BookingLeg" with its own hold in inventory, `<bookingId>:<leg>`.
ALTER TABLE "Booking" ADD COLUMN "legCount" INTEGER NOT NULL DEFAULT 1;
CREATE TABLE "BookingLeg" (
    "bookingId" UUID NOT NULL,
    "leg" INTEGER NOT NULL,
    "runId" TEXT NOT NULL,
    "fromStop" INTEGER NOT NULL,
    "toStop" INTEGER NOT NULL,
    "holdId" TEXT NOT NULL,
    "heldSeats" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "departure" TIMESTAMP(3) NOT NULL,
    "departureTimeZone" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,

    CONSTRAINT "BookingLeg_pkey" PRIMARY KEY ("bookingId", "leg"),
    CONSTRAINT "BookingLeg_leg_check" CHECK ("leg" >= 1),
    CONSTRAINT "BookingLeg_stops_check" CHECK ("fromStop" < "toStop")
);
CREATE UNIQUE INDEX "BookingLeg_holdId_key" ON "BookingLeg"("holdId");
CREATE INDEX "BookingLeg_runId_idx" ON "BookingLeg"("runId");
ALTER TABLE "BookingLeg" ADD CONSTRAINT "BookingLeg_bookingId_fkey" FOREIGN KEY ("bookingId")
    REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Each ticket's leg of the trip (0 for the first, and for every ticket of a direct booking)
-- and its passenger's place in the booking: tickets are listed in travel order, then as booked.
-- Tickets written before had only their shared creation time to order them by.
ALTER TABLE "Ticket" ADD COLUMN "tripLeg" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0;
UPDATE "Ticket" AS t SET "position" = o.n
FROM (SELECT "id", row_number() OVER (PARTITION BY "bookingId" ORDER BY "createdAt", "id") - 1 AS n FROM "Ticket") AS o
WHERE o."id" = t."id";

-- A seat sold on a leg of a trip names that leg, so a rebuilt run gives it back to its hold.
ALTER TABLE "SoldSeatLeg" ADD COLUMN "tripLeg" INTEGER NOT NULL DEFAULT 0;
