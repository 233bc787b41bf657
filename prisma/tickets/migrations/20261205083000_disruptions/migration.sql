-- Disruptions (docs/design.md §4, "Disruptions"): runs trains reports cancelled, as tickets
-- took them in, the bookings each one affects, and where tickets is in trains' feed.
CREATE TYPE "DisruptionSource" AS ENUM ('OPERATOR', 'REALTIME_FEED');

CREATE TABLE "Disruption" (
    "runId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" "DisruptionSource" NOT NULL,
    "cancelledAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Disruption_pkey" PRIMARY KEY ("runId")
);
CREATE INDEX "Disruption_recordedAt_idx" ON "Disruption"("recordedAt");

CREATE TABLE "BookingDisruption" (
    "bookingId" UUID NOT NULL,
    "runId" TEXT NOT NULL,
    "leg" INTEGER NOT NULL,
    "departure" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BookingDisruption_pkey" PRIMARY KEY ("bookingId", "runId")
);
ALTER TABLE "BookingDisruption" ADD CONSTRAINT "BookingDisruption_bookingId_fkey" FOREIGN KEY ("bookingId")
    REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "BookingDisruption" ADD CONSTRAINT "BookingDisruption_runId_fkey" FOREIGN KEY ("runId")
    REFERENCES "Disruption"("runId") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "BookingDisruption_runId_idx" ON "BookingDisruption"("runId");

-- How far tickets has read trains' cancellations (one row; the cursor is trains' position).
CREATE TABLE "DisruptionCursor" (
    "id" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DisruptionCursor_pkey" PRIMARY KEY ("id")
);
INSERT INTO "DisruptionCursor" ("id", "position", "updatedAt") VALUES ('run-cancellations', 0, now());
