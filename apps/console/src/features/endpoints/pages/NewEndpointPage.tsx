import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import type { CreatedEndpoint } from '../../../api/types';
import { EndpointForm } from '../components/EndpointForm';
import { SecretReveal } from '../components/SecretReveal';
import { useCreateEndpoint } from '../hooks/useEndpoints';

export default function NewEndpointPage() {
  const create = useCreateEndpoint();
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  if (created) {
    return (
      <section aria-labelledby="new-h">
        <h1 id="new-h">Endpoint created</h1>
        <p>
          Webhooks for <span className="mono">{created.eventTypes.join(', ')}</span> now go to <span className="mono">{created.url}</span>.
        </p>
        <SecretReveal secret={created.secret} title="Signing secret" />
        <p>
          <Link to={`/endpoints/${created.id}`}>Open the endpoint</Link> · <Link to="/endpoints">Back to endpoints</Link>
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="new-h">
      <h1 id="new-h">New endpoint</h1>
      <EndpointForm
        submitLabel="Create endpoint"
        pending={create.pending}
        error={create.error}
        onCancel={() => navigate('/endpoints')}
        onSubmit={(input) => void create.run(input).then((r) => r && setCreated(r))}
      />
    </section>
  );
}
