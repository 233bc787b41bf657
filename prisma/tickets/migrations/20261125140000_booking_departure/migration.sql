-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "departure" TIMESTAMP(3),
ADD COLUMN     "departureTimeZone" TEXT;
