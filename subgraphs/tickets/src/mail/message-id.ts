/** The domain of a From address (`Railgraph <tickets@railgraph.local>` → `railgraph.local`). */
export function mailDomainOf(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'railgraph.local';
}

/**
 * The Message-ID of a booking event's email: derived from the event alone, so every attempt
 * carries the same one and a resend (after a crash between the SMTP server's acceptance and
 * the SENT update) is recognisably the same message to the recipient's mail system.
 */
export function messageIdFor(eventId: string, from: string): string {
  return `<booking-event.${eventId}@${mailDomainOf(from)}>`;
}
