-- The seats inventory held for a booking being made (`<coach>-<label>`), recorded as soon as
-- the hold answers, so a run rebuilt from tickets while the booking is PENDING keeps them.
ALTER TABLE "Booking" ADD COLUMN "heldSeats" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Rebuilding a run (confirmedSeats) looks its bookings up by run and status.
CREATE INDEX "Booking_runId_status_idx" ON "Booking"("runId", "status");
