import { ErrorMessage, Loading, TextBlock, prettyJson } from '../../../components/feedback';
import { useOverview } from '../hooks/useOperator';

export default function OverviewPage() {
  const overview = useOverview();
  return (
    <section aria-labelledby="ov-h">
      <h1 id="ov-h">Overview</h1>
      <ErrorMessage error={overview.error} />
      {overview.loading && !overview.data && <Loading what="the overview" />}
      {overview.data && <TextBlock label="Overview" value={prettyJson(overview.data)} />}
    </section>
  );
}
