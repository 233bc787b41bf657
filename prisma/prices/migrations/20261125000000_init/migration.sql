-- CreateEnum
CREATE TYPE "SeatClass" AS ENUM ('STANDARD', 'FIRST');

-- CreateEnum
CREATE TYPE "PassengerType" AS ENUM ('ADULT', 'CHILD', 'YOUTH', 'SENIOR');

-- CreateTable
CREATE TABLE "FareRuleSet" (
    "id" SERIAL NOT NULL,
    "version" INTEGER NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    "currency" CHAR(3) NOT NULL,
    "minimumFareMinor" INTEGER NOT NULL,
    "roundingUnitMinor" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FareRuleSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DistanceBand" (
    "id" SERIAL NOT NULL,
    "ruleSetId" INTEGER NOT NULL,
    "seatClass" "SeatClass" NOT NULL,
    "fromKm" INTEGER NOT NULL,
    "toKm" INTEGER,
    "ratePerKmMilliMinor" INTEGER NOT NULL,

    CONSTRAINT "DistanceBand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PassengerReduction" (
    "id" SERIAL NOT NULL,
    "ruleSetId" INTEGER NOT NULL,
    "passengerType" "PassengerType" NOT NULL,
    "percent" INTEGER NOT NULL,

    CONSTRAINT "PassengerReduction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "privateJwk" JSONB NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE UNIQUE INDEX "FareRuleSet_version_key" ON "FareRuleSet"("version");

-- CreateIndex
CREATE UNIQUE INDEX "DistanceBand_ruleSetId_seatClass_fromKm_key" ON "DistanceBand"("ruleSetId", "seatClass", "fromKm");

-- CreateIndex
CREATE UNIQUE INDEX "PassengerReduction_ruleSetId_passengerType_key" ON "PassengerReduction"("ruleSetId", "passengerType");

-- AddForeignKey
ALTER TABLE "DistanceBand" ADD CONSTRAINT "DistanceBand_ruleSetId_fkey" FOREIGN KEY ("ruleSetId") REFERENCES "FareRuleSet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassengerReduction" ADD CONSTRAINT "PassengerReduction_ruleSetId_fkey" FOREIGN KEY ("ruleSetId") REFERENCES "FareRuleSet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
