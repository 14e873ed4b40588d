import pg from 'pg';

const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

/** Prisma's driver adapter cannot decode Postgres `name` (OID 19) columns (prisma/orm#27403);
 * they are text on the wire, so we relabel them before Prisma sees them. */
function relabelNameColumns<T>(result: T): T {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as QueryResultLike[]) {
    for (const field of r?.fields ?? []) {
      if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

class NameAsTextClient extends pg.Client {
  // pg's query() has promise, callback and submittable forms; the first two return rows.
  override query(...args: unknown[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (err: Error | null, res: unknown) => void;
      args[args.length - 1] = (err: Error | null, res: unknown) => callback(err, err ? res : relabelNameColumns(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === 'function' && !(typeof (args[0] as { submit?: unknown })?.submit === 'function')) {
      return (out as Promise<unknown>).then(relabelNameColumns);
    }
    return out;
  }
}

export interface PgPoolOptions {
  connectionString: string;
  max?: number;
  connectionTimeoutMillis?: number;
  applicationName?: string;
}

export function createPgPool(options: PgPoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    application_name: options.applicationName,
    Client: NameAsTextClient,
  });
}
