-- Named tickets: the passenger's name as booked, also signed into the ticket code, so an
-- inspector can match a ticket to a person. Nullable: tickets issued before keep NULL, and a
-- partner may book without names. The domain checks the characters; the database keeps the
-- length within what the code and the API promise (1-70 characters).

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "passengerName" TEXT
  CONSTRAINT "Ticket_passengerName_length" CHECK (char_length("passengerName") BETWEEN 1 AND 70);
