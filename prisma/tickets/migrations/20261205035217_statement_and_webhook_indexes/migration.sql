-- A partner's monthly account statement reads its refunds by month (subgraphs/tickets/src/statements/).
-- CreateIndex
CREATE INDEX "Refund_createdAt_idx" ON "Refund"("createdAt");

-- Stripe's webhooks name the payment, not the booking (subgraphs/tickets/src/payments/stripe/).
-- CreateIndex
CREATE INDEX "Payment_providerPaymentId_idx" ON "Payment"("providerPaymentId");
