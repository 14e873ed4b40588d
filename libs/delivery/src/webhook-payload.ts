export interface PayloadEvent {
  id: string;
  type: string;
  createdAt: Date;
  /** The event's data as stored: JSON text, embedded as is so the bytes never change. */
  dataJson: string;
}

/** The body sent on the wire: `{"id","type","timestamp","data"}`, the same bytes on every attempt. */
export function buildWebhookBody(e: PayloadEvent): string {
  return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"timestamp":${JSON.stringify(e.createdAt.toISOString())},"data":${e.dataJson}}`;
}
