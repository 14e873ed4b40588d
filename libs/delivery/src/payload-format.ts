import type { PayloadFormatName } from '#libs/endpoints';
import type { EventItem } from './delivery.repository.js';

/** How one event is written into a webhook body. */
export interface PayloadFormat {
  render(e: EventItem): string;
}

/** `{"id","type","timestamp","data"}`; `data` embedded as stored, so its bytes never change. */
const envelope: PayloadFormat = {
  render: (e) => `{"id":${JSON.stringify(e.eventId)},"type":${JSON.stringify(e.eventType)},"timestamp":${JSON.stringify(e.eventCreatedAt.toISOString())},"data":${e.eventDataJson}}`,
};

/** The dispatched data alone, byte for byte. */
const data: PayloadFormat = { render: (e) => e.eventDataJson };

const FORMATS: Readonly<Record<PayloadFormatName, PayloadFormat>> = { envelope, data };

/** The body of one request: one event as the format writes it, or a batch's `{"events":[...]}`
 * with each event written so. The same events always give the same bytes. */
export function renderBody(format: PayloadFormatName, items: readonly EventItem[], batched: boolean): string {
  const f = FORMATS[format];
  return batched ? `{"events":[${items.map((e) => f.render(e)).join(',')}]}` : f.render(items[0]!);
}
