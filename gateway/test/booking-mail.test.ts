import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookJourney,
  eastCoastStoppingRun,
  eventually,
  quoteOn,
  travellerAuthorization,
  type RunView,
} from './booking-support.js';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * Booking emails as `npm start` sends them (docs/design.md §12): no SMTP_URL, so tickets writes
 * each as an .eml file under DATA_DIR/mail, addressed with the email tickets asked users for
 * (its service client's `users:contacts` scope) and naming the stations trains knows.
 */
let system: RunningSystem;
let trainRun: RunView;

beforeAll(async () => {
  system = await startSystem();
  trainRun = await eastCoastStoppingRun(
    system.gatewayUrl,
    await travellerAuthorization(system.gatewayUrl, 'scout@example.com'),
  );
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

const mailDir = () => path.join(system.dataDir, 'mail');
const emails = async (): Promise<ParsedMail[]> => {
  const files = (await readdir(mailDir()).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  return Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(mailDir(), f)))));
};

describe('booking emails in the embedded default', () => {
  it('says where mail goes, and writes the traveller their confirmation and then their cancellation', async () => {
    expect(system.output()).toContain(`Mail          ${path.relative(process.cwd(), mailDir())}/  (.eml files`);
    const email = 'mail-traveller@example.com';
    const authorization = await travellerAuthorization(system.gatewayUrl, email);
    const quote = await quoteOn(system.gatewayUrl, authorization, trainRun, 0, 3, 'STANDARD', ['ADULT']);
    const booked = await bookJourney(system.gatewayUrl, authorization, quote, `mail-${Date.now()}`);
    expect(booked.errors).toBeUndefined();
    const bookingId = booked.data!.bookJourney.id;

    const toTraveller = async () =>
      (await emails()).filter((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === email);
    await eventually('the confirmation is written', async () => (await toTraveller()).length === 1, 30_000);
    const [confirmation] = await toTraveller();
    expect(confirmation!.subject).toMatch(/^Booking confirmed: London Kings Cross → \S/);
    expect(confirmation!.text).toContain(`Booking reference: ${bookingId}`);
    expect(confirmation!.text).toContain('Passenger A (adult)');
    expect(confirmation!.attachments.filter((a) => a.contentType === 'image/png')).toHaveLength(1);

    const cancelled = await graphql<{ cancelBooking: { status: string } }>(
      system.gatewayUrl,
      'mutation($id: ID!) { cancelBooking(id: $id) { status } }',
      { id: bookingId },
      { authorization },
    );
    expect(cancelled.errors).toBeUndefined();
    await eventually('the cancellation is written', async () => (await toTraveller()).length === 2, 30_000);
    const cancellation = (await toTraveller()).find((m) => m.subject?.startsWith('Booking cancelled: '));
    expect(cancellation?.text).toMatch(/Refund: /);
  });
});
