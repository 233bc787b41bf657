-- CreateTable
CREATE TABLE "SoldSeatLeg" (
    "runId" TEXT NOT NULL,
    "leg" INTEGER NOT NULL,
    "coach" INTEGER NOT NULL,
    "seatLabel" TEXT NOT NULL,
    "bookingId" UUID NOT NULL,

    CONSTRAINT "SoldSeatLeg_pkey" PRIMARY KEY ("runId","leg","coach","seatLabel")
);

-- CreateIndex
CREATE INDEX "SoldSeatLeg_bookingId_idx" ON "SoldSeatLeg"("bookingId");

-- AddForeignKey
ALTER TABLE "SoldSeatLeg" ADD CONSTRAINT "SoldSeatLeg_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The seats of bookings confirmed before this table existed, leg by leg. A seat already sold
-- twice keeps its first row; the tickets_double_sold_seats audit still reports the pair.
INSERT INTO "SoldSeatLeg" ("runId", "leg", "coach", "seatLabel", "bookingId")
SELECT booking."runId", leg, ticket."coach", ticket."seatLabel", booking."id"
FROM "Booking" booking
JOIN "Ticket" ticket ON ticket."bookingId" = booking."id"
CROSS JOIN LATERAL generate_series(booking."fromStop", booking."toStop" - 1) AS leg
WHERE booking."status" = 'CONFIRMED'
ORDER BY booking."createdAt", booking."id"
ON CONFLICT DO NOTHING;
