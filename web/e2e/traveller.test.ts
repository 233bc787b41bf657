import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type RunningSystem } from '../../gateway/test/system.js';
import {
  CHROMIUM,
  chooseStation,
  expectAccessible,
  haveChromium,
  launchChromium,
  screenshots,
  shoot,
  viewports,
  type Viewport,
} from './browser.js';
import { bookSeatsThroughApi, sellOut, tomorrow } from './other-traveller.js';

/**
 * The traveller's journey through the web app in real Chromium (Debian's), against every
 * process started as `npm start` starts it: search → results → seat → passengers → sign up →
 * a test card declined → another card, confirmed in the bank's 3-D Secure dialog → ticket QR
 * and payment → my bookings → cancel one ticket (refunded to the card) → cancel the rest, a train that sells
 * out while the traveller decides (saving a passenger on the way), and the next booking
 * filled in with that saved passenger, then a trip with a change booked whole and changed to a
 * later one.
 * Each step is screenshotted on a phone and a desktop viewport and checked with axe.
 */
const required = process.env.REQUIRE_REAL_STORES === '1';

if (!haveChromium && !required) {
  console.warn(`web e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

let system: RunningSystem;
let browser: Browser;
const timings: Record<string, number> = {};

describe.runIf(haveChromium)('the traveller web app in Chromium', () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    system = await startSystem();
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    // Stop the services cleanly before their data folder is removed.
    if (system && system.launcher.exitCode === null) {
      system.launcher.kill('SIGTERM');
      await system.exited;
    }
    await system?.cleanup();
    if (Object.keys(timings).length > 0)
      await writeFile(path.join(screenshots, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });

  for (const viewport of Object.keys(viewports) as Viewport[]) {
    describe(`on a ${viewport}`, () => {
      let context: BrowserContext;
      let page: Page;
      const email = `traveller-${viewport}-${Date.now()}@example.com`;

      beforeAll(async () => {
        context = await browser.newContext({ viewport: viewports[viewport], locale: 'en-GB' });
        page = await context.newPage();
        page.setDefaultTimeout(20_000);
      });
      afterAll(async () => {
        await context?.close();
      });

      it('searches by station name, with the search in the URL', async () => {
        await page.goto(system.webUrl);
        await expect(page.getByRole('heading', { name: 'Where are you going?' }).isVisible()).resolves.toBe(true);
        await chooseStation(page, 'From', 'amster', /Amsterdam Centraal/);
        await chooseStation(page, 'To', 'Rotter', /Rotterdam Centraal/);
        await page.getByLabel('Date').fill(tomorrow());
        await page.getByLabel(/Children/).fill('1');
        await shoot(page, viewport, '01-search');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Search trains' }).click();
        await page.waitForURL(/\/journeys\?/);
        const url = new URL(page.url());
        expect(url.searchParams.get('from')).toBe('AMS');
        expect(url.searchParams.get('to')).toBe('RTD');
        expect(url.searchParams.get('children')).toBe('1');
      });

      it('lists trains with times, seats left per class and prices, and pages to later trains', async () => {
        const trains = page
          .getByRole('list', { name: 'Trains' })
          .getByRole('listitem')
          .filter({ has: page.locator('h3') });
        await trains.first().waitFor();
        expect(await trains.count()).toBeGreaterThan(1);
        await expect(trains.first().textContent()).resolves.toMatch(/seats left/);
        await expect(trains.first().textContent()).resolves.toMatch(/from €/);
        await shoot(page, viewport, '02-results');
        await expectAccessible(page);

        // Cold loads of the shared link render the same results; the first render is timed
        // against the app shell's first render in the same load.
        const loads: Array<{ app: number; results: number }> = [];
        for (let i = 0; i < 5; i += 1) {
          await page.reload();
          await trains.first().waitFor();
          loads.push(
            await page.evaluate(() => ({
              app: performance.getEntriesByName('railgraph:app-rendered')[0]?.startTime ?? NaN,
              results: performance.getEntriesByName('railgraph:results-rendered')[0]?.startTime ?? NaN,
            })),
          );
        }
        const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
        const results = median(loads.map((l) => l.results));
        const app = median(loads.map((l) => l.app));
        expect(results).toBeGreaterThan(0);
        timings[`${viewport}.resultsFirstRenderMs`] = Math.round(results);
        timings[`${viewport}.appShellFirstRenderMs`] = Math.round(app);
        timings[`${viewport}.resultsOverShell`] = Number((results / app).toFixed(2));

        const firstTime = await trains.first().locator('h3').textContent();
        await page.getByRole('button', { name: 'Later trains' }).click();
        await page.waitForURL(/after=/);
        await trains.first().waitFor();
        const laterTime = await trains.first().locator('h3').textContent();
        expect(laterTime).not.toBe(firstTime);
        await page.getByRole('button', { name: 'Earlier trains' }).click();
        await page.waitForFunction((later) => document.querySelector('.journeys h3')?.textContent !== later, laterTime);
        await page.goBack();
        await page.goBack();
        await trains.first().waitFor();
      });

      it('shows seats others took as taken and picks two seats with the keyboard', async () => {
        const choose = page.getByRole('link', { name: /^Choose Standard on the/ }).first();
        const chosen = new URL((await choose.getAttribute('href'))!, system.webUrl).searchParams;
        // Someone else has just booked two seats in the first standard coach.
        const row = viewport === 'phone' ? 3 : 5;
        await bookSeatsThroughApi(
          system.gatewayUrl,
          { runId: chosen.get('run')!, fromStop: Number(chosen.get('board')), departure: chosen.get('departs')! },
          [`2-${row}A`, `2-${row}B`],
        );
        await choose.click();
        await page.getByRole('heading', { name: 'Choose your seats' }).waitFor();
        await page.getByLabel(/Choose seats on the map/).check();
        const seats = page.getByRole('button', { name: /^\w+ (window|aisle|middle) seat, coach \d+$/ });
        await seats.first().waitFor();
        // Tab into the first coach, move with the arrows, pick with Space: two passengers, two seats.
        await seats.first().focus();
        await page.keyboard.press('Space');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Space');
        const picked = page.locator('button.seat[aria-pressed="true"]');
        expect(await picked.count()).toBe(2);
        const taken = page.getByRole('button', { name: new RegExp(`^${row}A ?window seat, coach 2, taken$`) });
        expect(await taken.getAttribute('aria-disabled')).toBe('true');
        await taken.click({ force: true });
        expect(await picked.count()).toBe(2);
        await expect(page.getByText(/^Picked: coach \d+ seat \w+, coach \d+ seat \w+$/).isVisible()).resolves.toBe(
          true,
        );
        await shoot(page, viewport, '03-seats');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Continue to passengers' }).click();
        await page.waitForURL(/\/passengers\?.*seats=/);
      });

      it('names each passenger, with a child’s age so the under-4 goes free', async () => {
        await page.getByRole('heading', { name: 'Who is travelling?' }).waitFor();
        const first = page.getByRole('group', { name: 'Passenger 1' });
        const second = page.getByRole('group', { name: 'Passenger 2' });
        await first.getByLabel('Name').fill('Ada Traveller');
        await expect(first.getByLabel('Fare category').inputValue()).resolves.toBe('ADULT');
        await second.getByLabel('Name').fill('Noor Traveller');
        await expect(second.getByLabel('Fare category').inputValue()).resolves.toBe('CHILD');
        await second.getByLabel(/^Age/).fill('3');
        await shoot(page, viewport, '03b-passengers');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Continue to review' }).click();
        await page.waitForURL(/\/review\?.*seats=/);
      });

      it('signs up on the review page, shows the price breakdown, its expiry and the test cards', async () => {
        await page.getByRole('button', { name: 'Create an account' }).click();
        await page.getByLabel('Your name').fill('Ada Traveller');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill('correct horse battery');
        await page.getByRole('button', { name: 'Create account' }).click();
        const book = page.getByRole('button', { name: /^Book for €/ });
        await book.waitFor();
        const breakdown = page.getByRole('table', { name: 'Price per passenger' });
        // The child's age went into the quote: under 4 travels free.
        await expect(breakdown.textContent()).resolves.toMatch(
          /Ada Traveller Adult€\d+\.\d\dNoor Traveller Child, 3€0\.00Total/,
        );
        await expect(page.getByText(/Price held until \d\d:\d\d/).isVisible()).resolves.toBe(true);
        const payment = page.getByRole('group', { name: 'Payment' });
        await expect(payment.getByText('Test card: no money moves.').isVisible()).resolves.toBe(true);
        expect(await payment.getByRole('radio').count()).toBe(5);
        await expect(payment.getByRole('radio', { name: 'Visa' }).isChecked()).resolves.toBe(true);
        await shoot(page, viewport, '04-review');
        await expectAccessible(page);
      });

      it('says why a card was declined, charges nothing and lets the traveller choose another', async () => {
        const payment = page.getByRole('group', { name: 'Payment' });
        // A radio group: the arrow keys move the choice.
        await payment.getByRole('radio', { name: 'Visa' }).focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await expect(payment.getByRole('radio', { name: 'Declined' }).isChecked()).resolves.toBe(true);
        await page.getByRole('button', { name: /^Book for €/ }).click();
        await page.getByRole('alert').filter({ hasText: 'Your card was declined. Nothing was charged.' }).waitFor();
        // Not a final failure: the cards and Book are still there, for a new attempt.
        await expect(payment.getByRole('radio', { name: 'Mastercard' }).isEnabled()).resolves.toBe(true);
        await shoot(page, viewport, '04b-declined');
        await expectAccessible(page);
      });

      it('confirms a 3-D Secure payment in the bank’s dialog, and books once on a double click', async () => {
        // The same seats as the declined attempt: its hold was released, or this would be SEAT_TAKEN.
        await page.getByRole('group', { name: 'Payment' }).getByRole('radio', { name: '3-D Secure' }).check();
        await page.getByRole('button', { name: /^Book for €/ }).dblclick();
        const dialog = page.getByRole('dialog', { name: 'Your bank asks you to confirm this payment' });
        await dialog.waitFor();
        await expect(dialog.textContent()).resolves.toMatch(/with your 3-D Secure test card/);
        // Focus is in the dialog, on Approve, and Tab keeps it there.
        await page.waitForFunction(() => document.activeElement?.textContent === 'Approve');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Approve');
        await shoot(page, viewport, '04c-3ds');
        await expectAccessible(page);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'You are booked' }).waitFor();
      });

      it('shows each ticket with a QR code of its valid ticket code', async () => {
        // Drawn codes only: until drawn, a code's place is a placeholder labelled "(loading)".
        const qrs = page.getByRole('img', { name: /^QR code of ticket .*inspector\.$/ });
        await qrs.nth(1).waitFor();
        expect(await qrs.count()).toBe(2);
        // Each ticket carries its passenger's name, as entered on the passengers step.
        await page.getByRole('heading', { name: 'Ticket 1: Ada Traveller' }).waitFor();
        await page.getByRole('heading', { name: 'Ticket 2: Noor Traveller' }).waitFor();
        const code = await qrs.first().getAttribute('data-ticket-code');
        const validation = await graphql<{
          validateTicket: { status: string; validFrom: string; passengerName: string | null };
        }>(
          system.gatewayUrl,
          'query($code: String!) { validateTicket(code: $code) { status validFrom passengerName } }',
          { code },
        );
        // Genuine and not cancelled; valid for travel only from 00:00 on the travel day (tomorrow).
        const checked = validation.data?.validateTicket;
        expect(checked?.status).toBe(Date.now() >= Date.parse(checked?.validFrom ?? '') ? 'VALID' : 'NOT_VALID_TODAY');
        // The inspector reads the name from the code itself and matches it to an ID.
        expect(checked?.passengerName).toBe('Ada Traveller');
        // Paid with the card that passed 3-D Secure: captured just after the booking was confirmed.
        const payment = page.getByRole('region', { name: 'Payment' });
        await payment.getByText('Paid', { exact: true }).waitFor();
        await expect(payment.textContent()).resolves.toMatch(/Amount€\d+\.\d\dPaid with3-D Secure test card$/);
        await shoot(page, viewport, '05-tickets');
        await expectAccessible(page);
      });

      it('shows the names from the tickets themselves, with the booking state gone', async () => {
        // As on another device: nothing of the party is left in the browser.
        await page.evaluate(() => sessionStorage.clear());
        await page.reload();
        await page.getByRole('heading', { name: 'Ticket 1: Ada Traveller' }).waitFor();
        await page.getByRole('heading', { name: 'Ticket 2: Noor Traveller' }).waitFor();
      });

      it('lists exactly one booking under My bookings', async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My bookings' }).click();
        await page.getByRole('heading', { name: 'My bookings' }).waitFor();
        const items = page.locator('.booking-item');
        await items.first().waitFor();
        expect(await items.count()).toBe(1);
        await expect(items.first().textContent()).resolves.toMatch(/Confirmed.*2 tickets/);
        await shoot(page, viewport, '06-my-bookings');
        await expectAccessible(page);
      });

      it('cancels one ticket after showing what it refunds, and the other stays valid', async () => {
        await page.locator('.booking-link').first().click();
        await page.getByRole('button', { name: 'Cancel ticket 1' }).click();
        const panel = page.getByRole('region', { name: 'Cancel ticket 1?' });
        await panel.getByText(/You will get .* back of/).waitFor();
        await shoot(page, viewport, '07a-cancel-ticket');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Yes, cancel ticket 1' }).click();
        // Ticket 2 keeps its QR code; the booking stays confirmed.
        await page.getByText('Cancelled', { exact: true }).waitFor();
        expect(await page.getByRole('img', { name: /^QR code of ticket/ }).count()).toBe(1);
        await page.getByRole('img', { name: /^QR code of ticket 2/ }).waitFor();
        await expect(page.locator('.booking-status .status').textContent()).resolves.toBe('Confirmed');
        expect(await page.getByRole('button', { name: /^Cancel ticket/ }).count()).toBe(0);
        // The refund reaches the card: the payment shows it once the provider has it (in full
        // more than a day before departure; the under-4's ticket cost nothing).
        const payment = page.getByRole('region', { name: 'Payment' });
        await payment.locator('.payment-refunded').waitFor();
        await expect(payment.locator('.payment-refunded').textContent()).resolves.toMatch(/^€\d+\.\d\d$/);
        await expect(payment.locator('.payment-status').textContent()).resolves.toMatch(
          /^(Paid, partly refunded|Refunded)$/,
        );
        await shoot(page, viewport, '07b-ticket-cancelled');
        await expectAccessible(page);
      });

      it('cancels the booking after showing what comes back', async () => {
        await page.getByRole('button', { name: 'Cancel this booking' }).click();
        const panel = page.getByRole('region', { name: 'Cancel this booking?' });
        await panel
          .getByText(/back|refund/i)
          .first()
          .waitFor();
        await shoot(page, viewport, '07-cancel');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Yes, cancel booking' }).click();
        await page.locator('.status-cancelled, .status-refunded').first().waitFor();
        expect(await page.getByRole('img', { name: /^QR code of ticket/ }).count()).toBe(0);
        // Every refund so far has reached the card, none on its way.
        const payment = page.getByRole('region', { name: 'Payment' });
        await payment.locator('.payment-refunded').waitFor();
        await page.waitForFunction(() => !document.querySelector('.payment [role="status"]'));
        await shoot(page, viewport, '08-cancelled');
      });

      it('offers the next trains when the chosen class sells out before booking', async () => {
        const offset = viewport === 'phone' ? 1 : 2;
        await page.goto(`${system.webUrl}journeys?from=AMS&to=RTD&date=${tomorrow()}&adults=1`);
        const trains = page
          .getByRole('list', { name: 'Trains' })
          .getByRole('listitem')
          .filter({ has: page.locator('h3') });
        await trains.nth(offset).waitFor();
        await trains
          .nth(offset)
          .getByRole('link', { name: /^Choose First on the/ })
          .click();
        await page.getByRole('button', { name: 'Continue to passengers' }).click();
        // Signed in now: this passenger is new, so it is saved to the profile on the way.
        const passenger = page.getByRole('group', { name: 'Passenger 1' });
        await passenger.getByLabel('Name').fill(`Grace Hopper`);
        await passenger.getByRole('checkbox', { name: `Save Grace Hopper to my profile` }).check();
        await page.getByRole('button', { name: 'Continue to review' }).click();
        const book = page.getByRole('button', { name: /^Book for €/ });
        await book.waitFor();
        const choice = new URL(page.url()).searchParams;
        await sellOut(
          system.gatewayUrl,
          {
            runId: choice.get('run')!,
            fromStop: Number(choice.get('board')),
            departure: choice.get('departs')!,
          },
          'FIRST',
        );
        await book.click();
        await page.getByRole('alert').filter({ hasText: 'just sold out' }).waitFor();
        await shoot(page, viewport, '09-sold-out');
        await expectAccessible(page);
        await page.getByRole('link', { name: 'See the next trains' }).click();
        await page.waitForURL(/\/journeys\?.*after=/);
        await trains.first().waitFor();
        await shoot(page, viewport, '10-next-trains');
      });

      it('fills in the saved passenger on the next booking', async () => {
        // A new tab's booking state is empty: the name can only come from the profile.
        await page.evaluate(() => sessionStorage.clear());
        await page.goto(`${system.webUrl}journeys?from=AMS&to=RTD&date=${tomorrow()}&adults=1`);
        await page
          .getByRole('link', { name: /^Choose Standard on the/ })
          .first()
          .click();
        await page.getByRole('button', { name: 'Continue to passengers' }).click();
        const passenger = page.getByRole('group', { name: 'Passenger 1' });
        await page.waitForFunction(
          (name) => (document.getElementById('passenger-0-name') as HTMLInputElement | null)?.value === name,
          `Grace Hopper`,
        );
        await expect(passenger.getByLabel('Saved passenger').locator('option:checked').textContent()).resolves.toBe(
          `Grace Hopper (adult)`,
        );
        expect(await passenger.getByRole('checkbox').count()).toBe(0);
        await shoot(page, viewport, '11-saved-passenger');
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Continue to review' }).click();
        const breakdown = page.getByRole('table', { name: 'Price per passenger' });
        await breakdown.waitFor();
        await expect(breakdown.textContent()).resolves.toContain(`Grace Hopper Adult`);
      });

      it('finds a trip with a change, books it whole with a test card and shows each leg’s tickets', async () => {
        // Rotterdam and Utrecht are on two lines of the demo network: every trip between them changes.
        await page.evaluate(() => sessionStorage.clear());
        await page.goto(`${system.webUrl}journeys?from=RTD&to=UTR&date=${tomorrow()}&adults=1`);
        const trip = page
          .getByRole('list', { name: 'Trains' })
          .getByRole('listitem')
          .filter({ has: page.getByRole('list', { name: /^Trains of the \d\d:\d\d trip with 1 change$/ }) })
          .first();
        await trip.waitFor();
        const trains = trip.getByRole('list', { name: /^Trains of the/ });
        expect(await trains.getByRole('listitem').count()).toBe(2);
        await expect(trains.textContent()).resolves.toMatch(/Change at [\w ]+: \d+ min/);
        await expect(trip.textContent()).resolves.toMatch(/1 change · Rotterdam Centraal – Utrecht Centraal/);
        await shoot(page, viewport, '12-trip-results');
        await expectAccessible(page);

        // Seats are assigned on both trains: no seat map, straight to the passengers.
        await trip.getByRole('link', { name: /^Choose Standard on the \d\d:\d\d trip with 1 change for €/ }).click();
        await page.waitForURL(/\/passengers\?.*trip=/);
        await page.getByRole('group', { name: 'Passenger 1' }).getByLabel('Name').fill('Grace Hopper');
        await page.getByRole('button', { name: 'Continue to review' }).click();
        await page.getByRole('list', { name: 'Your trains' }).waitFor();
        expect(await page.getByRole('list', { name: 'Your trains' }).getByRole('listitem').count()).toBe(2);
        const book = page.getByRole('button', { name: /^Book for €/ });
        await book.waitFor();
        await expect(
          page.getByRole('group', { name: 'Payment' }).getByRole('radio', { name: 'Visa' }).isChecked(),
        ).resolves.toBe(true);
        await shoot(page, viewport, '13-trip-review');
        await expectAccessible(page);

        // One booking, one payment, a ticket per train under a heading per leg.
        await book.click();
        await page.getByRole('heading', { name: 'You are booked' }).waitFor();
        const first = page.getByRole('region', { name: /^Leg 1: Rotterdam Centraal → / });
        const second = page.getByRole('region', { name: /^Leg 2: .* → Utrecht Centraal$/ });
        await first.getByRole('heading', { name: 'Ticket 1: Grace Hopper' }).waitFor();
        await second.getByRole('heading', { name: 'Ticket 2: Grace Hopper' }).waitFor();
        await first.getByRole('img', { name: /^QR code of ticket 1, .*inspector\.$/ }).waitFor();
        await second.getByRole('img', { name: /^QR code of ticket 2, .*inspector\.$/ }).waitFor();
        await page.getByRole('region', { name: 'Payment' }).getByText('Paid', { exact: true }).waitFor();
        await shoot(page, viewport, '14-trip-tickets');
        await expectAccessible(page);
      });

      it('changes that trip to a later one after showing what it costs, and the old booking says where it went', async () => {
        await page.getByRole('link', { name: 'Change train' }).click();
        await page.waitForURL(/\/bookings\/[^/]+\/change$/);
        const later = page
          .getByRole('list', { name: 'Trains' })
          .getByRole('listitem')
          .filter({ has: page.locator('h3') })
          .first();
        await later.waitFor();
        await shoot(page, viewport, '15-change-trains');
        await expectAccessible(page);
        await later.getByRole('link', { name: /^Choose Standard on the / }).click();
        const costs = page.getByRole('region', { name: 'What the change costs' });
        await costs.waitFor();
        await expect(costs.textContent()).resolves.toMatch(
          /^What the change costsNew train€\d+\.\d\dPaid for your tickets€/,
        );
        await shoot(page, viewport, '16-change-costs');
        await expectAccessible(page);

        // The new booking: confirmed, with valid tickets and named after the one it replaced.
        await page.getByRole('button', { name: 'Change to this train' }).click();
        await page.getByRole('heading', { name: 'You are booked' }).waitFor();
        const from = page.locator('.exchanged-from');
        await from.waitFor();
        await page.getByRole('img', { name: /^QR code of ticket 1, .*inspector\.$/ }).waitFor();
        // The old one: exchanged, its tickets no longer valid.
        await from.getByRole('link').click();
        await page.locator('.booking-status .status-exchanged').waitFor();
        await page.getByText(/^Exchanged for booking \w+, which holds your valid tickets\.$/).waitFor();
        expect(await page.getByRole('img', { name: /^QR code of ticket/ }).count()).toBe(0);
        expect(await page.getByText('Exchanged', { exact: true }).count()).toBeGreaterThan(1);
        await shoot(page, viewport, '17-exchanged');
        await expectAccessible(page);
      });
    });
  }
});

describe.runIf(!haveChromium && required)('the traveller web app in Chromium (required)', () => {
  it('has Debian Chromium installed for the browser tests', () => {
    expect.fail(`${CHROMIUM} is missing: apt-get install -y chromium`);
  });
});
