-- AlterTable
ALTER TABLE "FareRuleSet" ALTER COLUMN "validFrom" SET DATA TYPE DATE,
ALTER COLUMN "validTo" SET DATA TYPE DATE;

-- AlterTable
ALTER TABLE "PassengerReduction" ADD COLUMN     "freeUnderAge" INTEGER,
ADD COLUMN     "maxAge" INTEGER,
ADD COLUMN     "minAge" INTEGER;

-- CreateTable
CREATE TABLE "DemandBand" (
    "id" SERIAL NOT NULL,
    "ruleSetId" INTEGER NOT NULL,
    "fromLoadBasisPoints" INTEGER NOT NULL,
    "multiplierBasisPoints" INTEGER NOT NULL,

    CONSTRAINT "DemandBand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DemandBand_ruleSetId_fromLoadBasisPoints_key" ON "DemandBand"("ruleSetId", "fromLoadBasisPoints");

-- AddForeignKey
ALTER TABLE "DemandBand" ADD CONSTRAINT "DemandBand_ruleSetId_fkey" FOREIGN KEY ("ruleSetId") REFERENCES "FareRuleSet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rule sets stored before demand pricing keep their fares: one neutral band from load 0.
INSERT INTO "DemandBand" ("ruleSetId", "fromLoadBasisPoints", "multiplierBasisPoints")
SELECT "id", 0, 10000 FROM "FareRuleSet";

-- Their categories get the ages the seeded rules give them.
UPDATE "PassengerReduction" SET "minAge" = 0, "maxAge" = 11, "freeUnderAge" = 4 WHERE "passengerType" = 'CHILD';
UPDATE "PassengerReduction" SET "minAge" = 12, "maxAge" = 25 WHERE "passengerType" = 'YOUTH';
UPDATE "PassengerReduction" SET "minAge" = 65 WHERE "passengerType" = 'SENIOR';
