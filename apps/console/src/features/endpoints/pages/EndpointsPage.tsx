import { Link } from '../../../app/router';
import { EmptyState, ErrorMessage, Loading, Pager, StatusBadge, useCursorPages } from '../../../components/feedback';
import { HealthBadge } from '../components/HealthBadge';
import { useEndpointList } from '../hooks/useEndpoints';

export default function EndpointsPage() {
  const pages = useCursorPages();
  const list = useEndpointList(pages.cursor);
  return (
    <section aria-labelledby="ep-h">
      <div className="heading">
        <h1 id="ep-h">Endpoints</h1>
        <Link to="/endpoints/new" className="button">
          New endpoint
        </Link>
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <Loading what="endpoints" />}
      {list.data && list.data.data.length === 0 && !pages.hasPrev && (
        <EmptyState title="No endpoints yet">
          <p>
            An endpoint is a URL that receives your webhooks. <Link to="/endpoints/new">Create your first endpoint</Link>, then dispatch an event to it.
          </p>
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <>
          <table aria-label="Endpoints">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col">Health</th>
                <th scope="col">Event types</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/endpoints/${e.id}`}>{e.url}</Link>
                    {e.description && <div className="muted">{e.description}</div>}
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>
                    <HealthBadge endpoint={e} />
                  </td>
                  <td className="mono">{e.eventTypes.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager what="endpoints" hasPrev={pages.hasPrev} hasNext={list.data.nextCursor !== null} onPrev={pages.prev} onNext={() => pages.next(list.data!.nextCursor)} />
        </>
      )}
    </section>
  );
}
