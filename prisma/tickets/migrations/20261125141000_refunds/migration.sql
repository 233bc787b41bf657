-- CreateTable
CREATE TABLE "RefundRule" (
    "id" SERIAL NOT NULL,
    "seatClass" TEXT,
    "minutesBeforeDeparture" INTEGER NOT NULL,
    "refundPercent" INTEGER NOT NULL,

    CONSTRAINT "RefundRule_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RefundRule_refundPercent_check" CHECK ("refundPercent" BETWEEN 0 AND 100)
);

-- CreateTable
CREATE TABLE "Refund" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "refundPercent" INTEGER NOT NULL,
    "minutesBeforeDeparture" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Refund_amountMinor_check" CHECK ("amountMinor" >= 0)
);

-- CreateTable
CREATE TABLE "RefundLine" (
    "ticketId" UUID NOT NULL,
    "refundId" UUID NOT NULL,
    "amountMinor" INTEGER NOT NULL,

    CONSTRAINT "RefundLine_pkey" PRIMARY KEY ("ticketId"),
    CONSTRAINT "RefundLine_amountMinor_check" CHECK ("amountMinor" >= 0)
);

-- CreateIndex
CREATE UNIQUE INDEX "RefundRule_seatClass_minutesBeforeDeparture_key" ON "RefundRule"("seatClass", "minutesBeforeDeparture");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_bookingId_key" ON "Refund"("bookingId");

-- CreateIndex
CREATE INDEX "RefundLine_refundId_idx" ON "RefundLine"("refundId");

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundLine" ADD CONSTRAINT "RefundLine_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundLine" ADD CONSTRAINT "RefundLine_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Seed: the default rule for every class: full refund until 24 h before departure, 50 % until departure.
INSERT INTO "RefundRule" ("seatClass", "minutesBeforeDeparture", "refundPercent") VALUES (NULL, 1440, 100), (NULL, 0, 50);
