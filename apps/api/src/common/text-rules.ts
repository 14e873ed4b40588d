import { Matches } from 'class-validator';

/** Postgres text cannot hold NUL: refuse it with a 400 rather than fail the insert. */
export const NoNul = (field: string) => Matches(/^[^\u0000]*$/, { message: `${field} must not contain NUL characters` });

/** Identifiers and names: no control characters at all. */
export const NoControlChars = (field: string) => Matches(/^[^\u0000-\u001f\u007f]*$/, { message: `${field} must not contain control characters` });
