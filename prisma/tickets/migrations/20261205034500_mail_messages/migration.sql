-- CreateEnum
CREATE TYPE "MailStatus" AS ENUM ('PENDING', 'SENT', 'SKIPPED', 'FAILED');

-- CreateTable
CREATE TABLE "MailMessage" (
    "eventId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "MailStatus" NOT NULL DEFAULT 'PENDING',
    "messageId" TEXT,
    "recipient" TEXT,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailMessage_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "MailCursor" (
    "id" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailCursor_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailMessage_status_nextAttemptAt_idx" ON "MailMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "MailMessage_bookingId_idx" ON "MailMessage"("bookingId");

-- AddForeignKey: a message is for an event that exists.
ALTER TABLE "MailMessage" ADD CONSTRAINT "MailMessage_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "BookingEvent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The dispatchers read the stream from its end as it is now: bookings made before mail existed
-- get no email of a change that happened long ago.
INSERT INTO "MailCursor" ("id", "position")
SELECT 'booking-mail', coalesce(max("position"), 0) FROM "BookingEvent";
