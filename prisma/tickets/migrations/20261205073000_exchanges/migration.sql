-- Exchanges (docs/design.md §4, "Exchanges"): a confirmed booking is exchanged for a new
-- booking of another journey; the old one ends EXCHANGED, its tickets too, and the new one names it.
ALTER TYPE "BookingStatus" ADD VALUE 'EXCHANGED';
ALTER TYPE "TicketState" ADD VALUE 'EXCHANGED';
ALTER TABLE "Booking" ADD COLUMN "exchangedFromId" UUID;
CREATE INDEX "Booking_exchangedFromId_idx" ON "Booking"("exchangedFromId");

-- The exchange fee per passenger by seat class and time before departure (the refund rule's
-- tiers, with a fee instead of a percent); the defaults in code apply while a class has none.
CREATE TABLE "ExchangeRule" (
    "id" SERIAL NOT NULL,
    "seatClass" TEXT,
    "minutesBeforeDeparture" INTEGER NOT NULL,
    "feeMinor" INTEGER NOT NULL,

    CONSTRAINT "ExchangeRule_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ExchangeRule_feeMinor_check" CHECK ("feeMinor" >= 0)
);
CREATE UNIQUE INDEX "ExchangeRule_seatClass_minutesBeforeDeparture_key"
    ON "ExchangeRule"("seatClass", "minutesBeforeDeparture");
