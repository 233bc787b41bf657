-- CreateTable
CREATE TABLE "BookingEvent" (
    "id" UUID NOT NULL,
    "position" BIGINT,
    "kind" TEXT NOT NULL,
    "bookingId" UUID NOT NULL,
    "ownerKind" "OwnerKind" NOT NULL,
    "ownerId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BookingEvent_position_key" ON "BookingEvent"("position");

-- CreateIndex
CREATE INDEX "BookingEvent_ownerKind_ownerId_position_idx" ON "BookingEvent"("ownerKind", "ownerId", "position");

-- AddForeignKey
ALTER TABLE "BookingEvent" ADD CONSTRAINT "BookingEvent_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
