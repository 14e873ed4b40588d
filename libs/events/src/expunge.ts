import { ConflictError } from '#libs/common';

/** What an expunge leaves of an event: its metadata. */
export interface ExpungedEvent {
  id: string;
  type: string;
  createdAt: Date;
  expungedAt: Date;
}

/** The one rule for sending an event again (resend, replay, recovery): an expunged event has no
 * data left to send, so the request is a conflict with the event's state. */
export function assertNotExpunged(event: { id: string; expungedAt: Date | null }): void {
  if (event.expungedAt !== null) {
    throw new ConflictError(`event ${event.id} was expunged at ${event.expungedAt.toISOString()}: its data is gone, so it cannot be sent again`, { expungedAt: event.expungedAt });
  }
}
