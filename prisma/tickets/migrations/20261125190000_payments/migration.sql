-- A real sale: each booking's payment (a card payment at the provider, or on account for a
-- partner), and the embedded sandbox provider's own state. The CHECKs keep the money sane
-- whatever the code does: nothing refunded beyond what was captured, nothing captured beyond
-- the amount (the signed quote's total).

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('AUTHORIZING', 'REQUIRES_ACTION', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'FAILED', 'ON_ACCOUNT');

-- CreateTable
CREATE TABLE "Payment" (
    "bookingId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "providerPaymentId" TEXT,
    "method" TEXT,
    "amountMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "capturedMinor" INTEGER NOT NULL DEFAULT 0,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "declineCode" TEXT,
    "pendingTickets" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("bookingId"),
    CONSTRAINT "Payment_amounts" CHECK (
      "amountMinor" >= 0 AND "capturedMinor" BETWEEN 0 AND "amountMinor"
      AND "refundedMinor" >= 0 AND "refundedMinor" <= "amountMinor"
    )
);

-- CreateIndex
CREATE INDEX "Payment_status_idx" ON "Payment"("status");

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "SandboxPayment" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "method" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "declineCode" TEXT,
    "clientSecret" TEXT,
    "challenge" TEXT,
    "capturedMinor" INTEGER NOT NULL DEFAULT 0,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SandboxPayment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SandboxPayment_amounts" CHECK (
      "amountMinor" >= 0 AND "capturedMinor" BETWEEN 0 AND "amountMinor"
      AND "refundedMinor" BETWEEN 0 AND "capturedMinor"
    )
);

-- CreateTable
CREATE TABLE "SandboxRefund" (
    "id" TEXT NOT NULL,
    "paymentId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL CHECK ("amountMinor" > 0),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxRefund_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SandboxPayment_idempotencyKey_key" ON "SandboxPayment"("idempotencyKey");
CREATE UNIQUE INDEX "SandboxPayment_clientSecret_key" ON "SandboxPayment"("clientSecret");
CREATE UNIQUE INDEX "SandboxRefund_idempotencyKey_key" ON "SandboxRefund"("idempotencyKey");
CREATE INDEX "SandboxRefund_paymentId_idx" ON "SandboxRefund"("paymentId");

-- AddForeignKey
ALTER TABLE "SandboxRefund" ADD CONSTRAINT "SandboxRefund_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "SandboxPayment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
