import { useState, type FormEvent } from 'react';
import type { CreatedServiceKey } from '../../../api/types';
import { ConfirmButton, CopyButton, EmptyState, ErrorMessage, Loading, Time } from '../../../components/feedback';
import { useServiceKeys } from '../hooks/useOperator';

// The API's scope catalogue (its OpenAPI enum); it refuses any other.
const SCOPES = ['events:write', 'endpoints:read', 'endpoints:write', 'deliveries:read', 'deliveries:write', 'tenants:read', 'tenants:write'] as const;

export default function ServiceKeysPage() {
  const { list, create, revoke } = useServiceKeys();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedServiceKey | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const k = await create.run(name.trim(), scopes);
    if (k) {
      setCreated(k);
      setName('');
      setScopes([]);
      list.reload();
    }
  }

  return (
    <section aria-labelledby="sk-h">
      <h1 id="sk-h">Service keys</h1>
      <p className="muted">A service key acts for any tenant it names in the Hookrelay-Tenant header, within its scopes.</p>
      <form onSubmit={(e) => void submit(e)} className="form" aria-label="Create service key">
        <label htmlFor="sk-name">Key name</label>
        <input id="sk-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="billing-service" />
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="inline">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} /> {s}
            </label>
          ))}
        </fieldset>
        <ErrorMessage error={create.error} />
        <button type="submit" disabled={create.pending}>
          Create service key
        </button>
      </form>
      {created && (
        <section className="notice" aria-labelledby="skc-h">
          <h2 id="skc-h">Service key {created.name} created</h2>
          <p>It is shown only this once:</p>
          <p>
            <code className="mono" aria-label="Service key">
              {created.key}
            </code>{' '}
            <CopyButton text={created.key} label="Copy service key" />
          </p>
        </section>
      )}
      <ErrorMessage error={list.error ?? revoke.error} />
      {list.loading && !list.data && <Loading what="service keys" />}
      {list.data && list.data.data.length === 0 && (
        <EmptyState title="No service keys yet">
          <p>Create one above for each of your services that dispatches events or manages endpoints for many tenants.</p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <table aria-label="Service keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}</td>
                <td className="mono">{k.scopes.join(', ')}</td>
                <td>
                  <Time value={k.lastUsedAt} />
                </td>
                <td>
                  {k.revokedAt ? (
                    <>
                      revoked <Time value={k.revokedAt} />
                    </>
                  ) : (
                    <ConfirmButton label={`Revoke ${k.name}`} confirmLabel={`Yes, revoke ${k.name}`} question={`Revoke ${k.name}? Services using it stop working.`} onConfirm={() => void revoke.run(k.id).then((r) => r && list.reload())} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
