import { useState, type FormEvent } from 'react';
import type { Endpoint, EndpointInput, SignatureOptions } from '../../../api/types';
import { ErrorMessage } from '../../../components/feedback';
import { HMAC_ALGORITHMS, HMAC_CONTENTS, HMAC_ENCODINGS, PAYLOAD_FORMATS, SIGNATURE_SCHEMES } from './options';

interface Props {
  initial?: Endpoint;
  submitLabel: string;
  pending: boolean;
  error: string | null;
  onSubmit: (input: EndpointInput) => void;
  onCancel?: () => void;
}

function headersToText(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** "Name: value" lines into an object; the API judges the names and values. */
function textToHeaders(t: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of t.split('\n')) {
    const i = line.indexOf(':');
    if (line.trim() === '') continue;
    if (i < 0) out[line.trim()] = '';
    else out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

const numberOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));

export function EndpointForm({ initial, submitLabel, pending, error, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [eventTypes, setEventTypes] = useState(initial?.eventTypes.join(', ') ?? '');
  const [scheme, setScheme] = useState(initial?.signature.scheme ?? 'standard-webhooks');
  const [hmac, setHmac] = useState<SignatureOptions>({
    scheme: 'hmac',
    header: initial?.signature.header ?? '',
    prefix: initial?.signature.prefix ?? '',
    encoding: initial?.signature.encoding ?? 'hex',
    algorithm: initial?.signature.algorithm ?? 'sha256',
    content: initial?.signature.content ?? 'body',
    timestampHeader: initial?.signature.timestampHeader ?? '',
  });
  const [payload, setPayload] = useState(initial?.payload ?? 'envelope');
  const [batchOn, setBatchOn] = useState(initial?.batch != null);
  const [maxEvents, setMaxEvents] = useState(String(initial?.batch?.maxEvents ?? 100));
  const [maxWaitMs, setMaxWaitMs] = useState(String(initial?.batch?.maxWaitMs ?? 1000));
  const [timeoutMs, setTimeoutMs] = useState(initial?.timeoutMs != null ? String(initial.timeoutMs) : '');
  const [headers, setHeaders] = useState(headersToText(initial?.headers ?? {}));
  const [rate, setRate] = useState(initial?.rateLimitPerSecond != null ? String(initial.rateLimitPerSecond) : '');

  function submit(e: FormEvent) {
    e.preventDefault();
    const signature: SignatureOptions =
      scheme === 'hmac'
        ? { ...hmac, scheme: 'hmac', timestampHeader: hmac.timestampHeader ? hmac.timestampHeader : null }
        : { scheme };
    const input: EndpointInput = {
      url: url.trim(),
      eventTypes: eventTypes
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      headers: textToHeaders(headers),
      signature,
      payload,
      batch: batchOn ? { maxEvents: Number(maxEvents), maxWaitMs: Number(maxWaitMs) } : null,
      timeoutMs: numberOrNull(timeoutMs),
    };
    if (description.trim()) input.description = description.trim();
    else if (initial) input.description = null;
    const r = numberOrNull(rate);
    if (r !== null || initial) input.rateLimitPerSecond = r;
    onSubmit(input);
  }

  return (
    <form onSubmit={submit} className="form" aria-label={submitLabel}>
      <label htmlFor="ep-url">URL</label>
      <input id="ep-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/webhooks" />

      <label htmlFor="ep-types">Event types</label>
      <input id="ep-types" required value={eventTypes} onChange={(e) => setEventTypes(e.target.value)} placeholder="order.completed, invoice.*" aria-describedby="ep-types-help" />
      <p id="ep-types-help" className="muted">
        Separated by commas: exact names, prefix wildcards (order.*) or * for every type.
      </p>

      <label htmlFor="ep-desc">Description</label>
      <input id="ep-desc" value={description} onChange={(e) => setDescription(e.target.value)} />

      <fieldset>
        <legend>Signature</legend>
        <label htmlFor="ep-scheme">Signature scheme</label>
        <select id="ep-scheme" value={scheme} onChange={(e) => setScheme(e.target.value as typeof scheme)}>
          {SIGNATURE_SCHEMES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {scheme === 'hmac' && (
          <div className="grid">
            <label htmlFor="hm-header">Signature header</label>
            <input id="hm-header" value={hmac.header ?? ''} onChange={(e) => setHmac({ ...hmac, header: e.target.value })} placeholder="X-Webhook-Signature" />
            <label htmlFor="hm-prefix">Signature prefix</label>
            <input id="hm-prefix" value={hmac.prefix ?? ''} onChange={(e) => setHmac({ ...hmac, prefix: e.target.value })} placeholder="sha256=" />
            <label htmlFor="hm-enc">Encoding</label>
            <select id="hm-enc" value={hmac.encoding} onChange={(e) => setHmac({ ...hmac, encoding: e.target.value as SignatureOptions['encoding'] })}>
              {HMAC_ENCODINGS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <label htmlFor="hm-alg">Algorithm</label>
            <select id="hm-alg" value={hmac.algorithm} onChange={(e) => setHmac({ ...hmac, algorithm: e.target.value as SignatureOptions['algorithm'] })}>
              {HMAC_ALGORITHMS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <label htmlFor="hm-content">Signed content</label>
            <select id="hm-content" value={hmac.content} onChange={(e) => setHmac({ ...hmac, content: e.target.value as SignatureOptions['content'] })}>
              {HMAC_CONTENTS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <label htmlFor="hm-ts">Timestamp header</label>
            <input id="hm-ts" value={hmac.timestampHeader ?? ''} onChange={(e) => setHmac({ ...hmac, timestampHeader: e.target.value })} />
          </div>
        )}
      </fieldset>

      <label htmlFor="ep-payload">Payload format</label>
      <select id="ep-payload" value={payload} onChange={(e) => setPayload(e.target.value as typeof payload)} aria-describedby="ep-payload-help">
        {PAYLOAD_FORMATS.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <p id="ep-payload-help" className="muted">
        envelope sends {'{id, type, timestamp, data}'}; data sends the dispatched data alone.
      </p>

      <fieldset>
        <legend>Batch</legend>
        <label className="inline">
          <input type="checkbox" checked={batchOn} onChange={(e) => setBatchOn(e.target.checked)} /> Send deliveries in batches
        </label>
        {batchOn && (
          <div className="grid">
            <label htmlFor="b-max">Most events in a batch</label>
            <input id="b-max" type="number" value={maxEvents} onChange={(e) => setMaxEvents(e.target.value)} />
            <label htmlFor="b-wait">Longest wait (ms)</label>
            <input id="b-wait" type="number" value={maxWaitMs} onChange={(e) => setMaxWaitMs(e.target.value)} />
          </div>
        )}
      </fieldset>

      <label htmlFor="ep-timeout">Timeout (ms)</label>
      <input id="ep-timeout" type="number" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} placeholder="platform default" />

      <label htmlFor="ep-rate">Rate limit (deliveries per second)</label>
      <input id="ep-rate" type="number" value={rate} onChange={(e) => setRate(e.target.value)} placeholder="no limit" />

      <label htmlFor="ep-headers">Headers</label>
      <textarea id="ep-headers" rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} placeholder="X-Team: payments" aria-describedby="ep-headers-help" />
      <p id="ep-headers-help" className="muted">
        One "Name: value" a line, sent with every webhook.
      </p>

      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
