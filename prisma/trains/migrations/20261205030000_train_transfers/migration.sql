-- CreateTable
CREATE TABLE "TrainTransfer" (
    "feedId" TEXT NOT NULL,
    "fromTrainId" TEXT NOT NULL,
    "toTrainId" TEXT NOT NULL,
    "stationCode" TEXT NOT NULL,
    "transferType" INTEGER NOT NULL,

    CONSTRAINT "TrainTransfer_pkey" PRIMARY KEY ("fromTrainId","toTrainId","stationCode")
);

-- CreateIndex
CREATE INDEX "TrainTransfer_feedId_idx" ON "TrainTransfer"("feedId");

-- CreateIndex
CREATE INDEX "TrainTransfer_toTrainId_idx" ON "TrainTransfer"("toTrainId");

-- AddForeignKey
ALTER TABLE "TrainTransfer" ADD CONSTRAINT "TrainTransfer_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainTransfer" ADD CONSTRAINT "TrainTransfer_fromTrainId_fkey" FOREIGN KEY ("fromTrainId") REFERENCES "Train"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainTransfer" ADD CONSTRAINT "TrainTransfer_toTrainId_fkey" FOREIGN KEY ("toTrainId") REFERENCES "Train"("id") ON DELETE CASCADE ON UPDATE CASCADE;
