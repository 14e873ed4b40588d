/** Cursor pagination, newest first: a cursor is the last id of a page (ids are UUIDv7). */

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Turns `limit + 1` rows into a page and the cursor of the next one. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return { data: pageRows.map(view), nextCursor: more ? encodeCursor(pageRows[pageRows.length - 1]!.id) : null };
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id inside a cursor, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? id : null;
}
