-- CreateEnum
CREATE TYPE "CalendarExceptionKind" AS ENUM ('ADDED', 'REMOVED');

-- CreateTable
CREATE TABLE "Operator" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,

    CONSTRAINT "Operator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Station" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "Station_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Consist" (
    "id" TEXT NOT NULL,
    "coaches" JSONB NOT NULL,

    CONSTRAINT "Consist_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Train" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "consistId" TEXT NOT NULL,
    "departureMinutes" INTEGER NOT NULL,
    "daysOfWeek" INTEGER NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE NOT NULL,

    CONSTRAINT "Train_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarException" (
    "trainId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "kind" "CalendarExceptionKind" NOT NULL,

    CONSTRAINT "CalendarException_pkey" PRIMARY KEY ("trainId","date")
);

-- CreateTable
CREATE TABLE "TrainStop" (
    "trainId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "stationCode" TEXT NOT NULL,
    "arrivalOffsetMinutes" INTEGER,
    "departureOffsetMinutes" INTEGER,
    "distanceKm" DOUBLE PRECISION NOT NULL,
    "boarding" BOOLEAN NOT NULL,
    "alighting" BOOLEAN NOT NULL,

    CONSTRAINT "TrainStop_pkey" PRIMARY KEY ("trainId","index")
);

-- CreateIndex
CREATE INDEX "Train_operatorId_idx" ON "Train"("operatorId");

-- CreateIndex
CREATE INDEX "TrainStop_stationCode_idx" ON "TrainStop"("stationCode");

-- AddForeignKey
ALTER TABLE "Train" ADD CONSTRAINT "Train_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Train" ADD CONSTRAINT "Train_consistId_fkey" FOREIGN KEY ("consistId") REFERENCES "Consist"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarException" ADD CONSTRAINT "CalendarException_trainId_fkey" FOREIGN KEY ("trainId") REFERENCES "Train"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainStop" ADD CONSTRAINT "TrainStop_trainId_fkey" FOREIGN KEY ("trainId") REFERENCES "Train"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainStop" ADD CONSTRAINT "TrainStop_stationCode_fkey" FOREIGN KEY ("stationCode") REFERENCES "Station"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
