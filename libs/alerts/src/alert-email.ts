import type { AlertData, AlertKind } from './alert-outbox.repository.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Everything that came from a tenant or a receiver goes through this before it is put in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const HEADLINE: Record<Exclude<AlertKind, 'delivery.failed'>, string> = {
  'endpoint.failing': 'is failing',
  'endpoint.disabled': 'was disabled',
  'endpoint.recovered': 'has recovered',
};

/** The alert email: plain text and HTML carrying the same facts. */
export function renderAlertEmail(kind: AlertKind, d: AlertData): RenderedEmail {
  const headline = kind === 'delivery.failed' ? 'has failed deliveries' : HEADLINE[kind];
  const lastResponse = d.lastResponseStatus !== undefined ? `HTTP ${d.lastResponseStatus}` : d.lastErrorKind ? `no response (${d.lastErrorKind})` : 'none recorded';
  const facts: Array<[string, string]> = [
    ['Endpoint', `${d.url} (id ${d.endpointId})`],
    ['Reason', d.reason ?? 'unknown'],
    ['Last response', lastResponse],
  ];
  if (kind !== 'endpoint.recovered') {
    facts.push(['Failing since', d.failingSince ?? 'unknown'], ['Failed deliveries in a row', String(d.consecutiveFailures)]);
  } else {
    facts.push(['Delivered again at', d.lastSuccessAt ?? d.at]);
  }
  if (d.disabledAt) facts.push(['Disabled at', d.disabledAt]);
  const todo = whatToDo(kind, d);
  const subject = `[Hookrelay] Endpoint ${headline}: ${d.url}`;
  const text = [`Your webhook endpoint ${d.url} ${headline}.`, '', ...facts.map(([k, v]) => `${k}: ${v}`), '', 'What to do:', ...todo.map((t) => `- ${t}`), ''].join('\n');
  const html = [
    `<p>Your webhook endpoint <strong>${escapeHtml(d.url)}</strong> ${headline}.</p>`,
    '<table>',
    ...facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    '<p>What to do:</p>',
    '<ul>',
    ...todo.map((t) => `<li>${escapeHtml(t)}</li>`),
    '</ul>',
  ].join('\n');
  return { subject, text, html };
}

function whatToDo(kind: AlertKind, d: AlertData): string[] {
  const since = d.failingSince ?? d.at;
  switch (kind) {
    case 'endpoint.recovered':
      return ['Nothing: deliveries succeed again.', `Events whose deliveries failed meanwhile can be sent again: POST /v1/endpoints/${d.endpointId}/recover {"since": "${since}"}.`];
    case 'endpoint.disabled':
      return [
        'Fix the receiver (check its logs for the response above).',
        `Re-enable it: PATCH /v1/endpoints/${d.endpointId} {"status": "active"}.`,
        `Then send what it missed, including events that arrived while it was disabled: POST /v1/endpoints/${d.endpointId}/recover {"since": "${since}"}.`,
      ];
    case 'endpoint.failing':
    case 'delivery.failed':
      return [
        'Check the receiver: it does not answer with a 2xx.',
        'Deliveries keep being retried; if it keeps failing the endpoint will be disabled.',
        `Once it works, send the failed events again: POST /v1/endpoints/${d.endpointId}/recover {"since": "${since}"}.`,
      ];
  }
}
