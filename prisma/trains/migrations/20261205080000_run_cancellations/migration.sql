-- CreateEnum
CREATE TYPE "RunCancellationSource" AS ENUM ('OPERATOR', 'REALTIME_FEED');

-- CreateTable
CREATE TABLE "RunCancellation" (
    "position" BIGSERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" "RunCancellationSource" NOT NULL,
    "cancelledAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunCancellation_pkey" PRIMARY KEY ("position")
);

-- CreateIndex
CREATE UNIQUE INDEX "RunCancellation_runId_key" ON "RunCancellation"("runId");
