-- AlterTable
ALTER TABLE "Operator" ADD COLUMN     "feedId" TEXT;

-- AlterTable
ALTER TABLE "Train" ADD COLUMN     "feedId" TEXT;

-- CreateTable
CREATE TABLE "Feed" (
    "id" TEXT NOT NULL,
    "version" TEXT,
    "checksum" TEXT NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Feed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Transfer" (
    "feedId" TEXT NOT NULL,
    "fromStationCode" TEXT NOT NULL,
    "toStationCode" TEXT NOT NULL,
    "transferType" INTEGER NOT NULL,
    "minTransferSeconds" INTEGER,

    CONSTRAINT "Transfer_pkey" PRIMARY KEY ("feedId","fromStationCode","toStationCode")
);

-- CreateIndex
CREATE INDEX "Operator_feedId_idx" ON "Operator"("feedId");

-- CreateIndex
CREATE INDEX "Train_feedId_idx" ON "Train"("feedId");

-- AddForeignKey
ALTER TABLE "Operator" ADD CONSTRAINT "Operator_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Train" ADD CONSTRAINT "Train_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_fromStationCode_fkey" FOREIGN KEY ("fromStationCode") REFERENCES "Station"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_toStationCode_fkey" FOREIGN KEY ("toStationCode") REFERENCES "Station"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
