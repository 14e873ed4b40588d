/** An array parameter whose length the planner cannot see, for `unnest(...)` in a hot statement.
 *
 * A prepared statement's custom plans see each array's length; its generic plan estimates 10 rows.
 * Postgres keeps the generic plan only when it is estimated no dearer than the custom ones, so with
 * one or two rows a call (a few events a second) it plans again on every call: 0.43 ms of planning
 * for the attempt load against 0.135 ms of executing it (bench/README.md). Behind a volatile CASE the
 * planner cannot fold, the length is unknown to the custom plans too, every call is estimated like
 * the generic plan, and that plan is kept (test/integration/query-plans.test.ts holds it to index
 * scans as the tables grow). In a multi-array unnest the estimate is the longest array's, so one
 * array hidden is enough. */
export function lengthHidden(arrayParam: string): string {
  return `CASE WHEN clock_timestamp() IS NOT NULL THEN ${arrayParam} END`;
}
